// The unit filter's type-ahead picker (core/register/_unit_picker.html). Without JavaScript the
// field is a plain text box: the server resolves a typed code, full name or short name.
// With it, typing lists matching units of the user's own subtree from
// /orgs/units/search/?q=…&limit=20; choosing one puts its code in the box and its name below.
(() => {
  "use strict";
  const LIMIT = 20;
  const DELAY_MS = 200;

  function setup(root) {
    const input = root.querySelector("input[role=combobox]");
    const list = root.querySelector("[role=listbox]");
    const note = root.querySelector(".unit-picker-note");
    if (!input || !list) return;
    let timer = 0;
    let active = -1;
    let asked = 0;

    function items() { return Array.from(list.querySelectorAll("li[role=option]")); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = items();
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(li) {
      input.value = li.dataset.code;
      if (note) {
        note.textContent = li.dataset.name;
        note.classList.remove("unit-picker-notice");
      }
      input.removeAttribute("aria-invalid");
      close();
    }

    function render(results) {
      list.replaceChildren();
      if (!results.length) {
        const li = document.createElement("li");
        li.className = "unit-picker-empty";
        li.textContent = "本辖区没有匹配的单位";
        list.append(li);
      }
      results.forEach((unit, i) => {
        const li = document.createElement("li");
        li.id = `${input.id}-opt-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.code = unit.code;
        li.dataset.name = unit.name;
        li.textContent = unit.name;
        const small = document.createElement("small");
        small.textContent = unit.parent ? `${unit.code} · ${unit.parent}` : unit.code;
        li.append(small);
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(li); });
        list.append(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    async function search() {
      const ticket = ++asked;
      const url = new URL(root.dataset.searchUrl, window.location.href);
      url.searchParams.set("q", input.value.trim());
      url.searchParams.set("limit", String(LIMIT));
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) return;
        const data = await response.json();
        if (ticket === asked) render(data.results || []);
      } catch (error) {
        // Offline or a session that ended: the box still works as a plain text field.
      }
    }

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });
    input.addEventListener("focus", () => { if (!input.value.trim()) search(); });
    input.addEventListener("blur", () => { window.setTimeout(close, 100); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) search(); else highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(items()[active]);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-unit-picker]").forEach(setup);
  });
})();
