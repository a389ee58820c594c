// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
  // Destructive actions ask first: <button data-confirm="确定要删除吗？">
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  // Annual report editor: "插入" puts a figure token at the cursor of the last focused part.
  let lastText = document.querySelector("textarea[data-part]");
  document.querySelectorAll("textarea[data-part]").forEach((el) => {
    el.addEventListener("focus", () => { lastText = el; });
  });
  document.querySelectorAll("[data-insert]").forEach((el) => {
    el.addEventListener("click", () => {
      if (!lastText) return;
      const start = lastText.selectionStart, end = lastText.selectionEnd;
      lastText.value = lastText.value.slice(0, start) + el.dataset.insert + lastText.value.slice(end);
      lastText.focus();
      lastText.selectionStart = lastText.selectionEnd = start + el.dataset.insert.length;
      lastText.dispatchEvent(new Event("input"));
    });
  });
  // Leaving the editor with unsaved changes asks first.
  const editor = document.getElementById("edit-form");
  if (editor) {
    let dirty = editor.hasAttribute("data-dirty");  // shown again after an error: not saved
    editor.addEventListener("input", () => { dirty = true; });
    editor.addEventListener("submit", () => { dirty = false; });
    window.addEventListener("beforeunload", (event) => {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }
});
