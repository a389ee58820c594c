// 领导驾驶舱: sort a table by clicking a column header (no libraries; the page works without it).
// <table data-sortable> with <th data-sort="number|text"> headers; each body cell carries the
// value it sorts by in data-value ("" — a figure shown as "—" — always sorts last).
(() => {
  "use strict";

  const collator = new Intl.Collator("zh-CN", { numeric: true });

  function sortValue(row, index) {
    const cell = row.children[index];
    return cell ? (cell.dataset.value ?? cell.textContent.trim()) : "";
  }

  function compare(a, b, kind, direction) {
    if (a === "" || b === "") return a === b ? 0 : a === "" ? 1 : -1; // blanks last
    const order = kind === "number" ? Number(a) - Number(b) : collator.compare(a, b);
    return direction === "ascending" ? order : -order;
  }

  function sortBy(table, header, index) {
    const kind = header.dataset.sort;
    const next = header.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    const start = kind === "text" && !header.hasAttribute("aria-sort") ? "ascending" : next;
    table.querySelectorAll("thead th[aria-sort]").forEach((th) => th.removeAttribute("aria-sort"));
    header.setAttribute("aria-sort", start);
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).map((row, position) => ({ row, position }));
    rows.sort(
      (x, y) =>
        compare(sortValue(x.row, index), sortValue(y.row, index), kind, start) ||
        x.position - y.position,
    );
    rows.forEach(({ row }) => body.appendChild(row));
  }

  function enhance(table) {
    table.querySelectorAll("thead th[data-sort]").forEach((header) => {
      const index = header.cellIndex;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = "点击排序";
      button.append(...header.childNodes);
      header.appendChild(button);
      button.addEventListener("click", () => sortBy(table, header, index));
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("table[data-sortable]").forEach(enhance);
  });
})();
