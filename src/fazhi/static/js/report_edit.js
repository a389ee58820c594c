// Annual report editor (reports/edit.html): the prompts ({{?…}} markers, or the older 【请填写…】)
// left in each text are listed under it (<ul class="prompt-list" data-for="<textarea id>">);
// "定位" selects one in the text. A file rather than an inline <script>: the Content-Security-Policy
// allows scripts from /static/ only (docs/SECURITY.md).
document.addEventListener("DOMContentLoaded", () => {
  const marker = /\{\{\?([^\n]*?)\}\}|【请填写[^】\n]*】/g;
  document.querySelectorAll("ul.prompt-list").forEach((list) => {
    const area = document.getElementById(list.dataset.for);
    if (!area) return;
    const count = list.previousElementSibling;
    const show = () => {
      const found = [...area.value.matchAll(marker)];
      list.replaceChildren(...found.map((m) => {
        const li = document.createElement("li");
        const go = document.createElement("button");
        go.type = "button"; go.className = "link"; go.textContent = "定位";
        go.addEventListener("click", () => {
          area.focus();
          area.setSelectionRange(m.index, m.index + m[0].length);
          const before = area.value.slice(0, m.index).split("\n").length - 1;
          area.scrollTop = Math.max(0, before * parseFloat(getComputedStyle(area).lineHeight) - 40);
        });
        const text = document.createElement("mark");
        text.className = "prompt"; text.textContent = (m[1] ?? m[0].slice(1, -1)).trim();
        li.append(go, " ", text);
        return li;
      }));
      area.classList.toggle("has-prompts", found.length > 0);
      count.hidden = found.length === 0;
      count.querySelector("strong").textContent = found.length;
    };
    area.addEventListener("input", show);
    show();
  });
});
