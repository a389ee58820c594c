// 领导驾驶舱的图表：Apache ECharts（本站 /static/vendor/echarts/echarts.min.js，由 make install 从 npm
// 安装，运行时不联网）。每个 <div class="echart" data-chart="…"> 带有 fazhi.metrics.charts 生成的 JSON；
// 旁边的数据表是同一组数字（读屏软件、无脚本时、打印都用它）。提示框、图例开关、下载为图片（工具栏）、
// 点击条形或数据点查看计入的记录；单位多时先显示前 N 名和后 N 名，其余单位用“显示全部”按钮展开。
// 内容安全策略（CSP）下运行：不用内联脚本或 style 属性，提示框内容用 DOM 节点（textContent）生成。
(() => {
  "use strict";

  const COLORS = { top: "#b84a4d", bottom: "#3b6ea5", rest: "#9aa5b1", all: "#b84a4d" };
  const LINE_COLORS = ["#b84a4d", "#7d8894", "#3b6ea5", "#d08a2e"];
  const BAR_ROW = 28; // px per bar
  const BAR_EXTRA = 120; // title, legend and axis
  const charts = [];

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function tip(title, lines, url) {
    const box = node("div", "echart-tip");
    box.append(node("strong", "", title));
    lines.forEach((line) => box.append(node("div", "", line)));
    if (url) box.append(node("div", "echart-tip-hint", "点击查看计入的记录"));
    return box;
  }

  function common(spec, font) {
    return {
      animation: false,
      textStyle: { fontFamily: font },
      title: { text: spec.title, left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: "bold" } },
      // Fixed positions (the browser test clicks them): legend icons 20×12 from (0, 28), the
      // download icon 16×16 at the top right, 8 px from the edge.
      legend: { top: 28, left: 0, padding: 0, itemWidth: 20, itemHeight: 12 },
      toolbox: {
        right: 8,
        top: 4,
        padding: 0,
        itemSize: 16,
        feature: {
          saveAsImage: {
            title: "下载为图片",
            name: spec.title,
            type: "png",
            pixelRatio: 2,
            backgroundColor: "#ffffff",
          },
        },
      },
    };
  }

  // --- bars ----------------------------------------------------------------------------------
  function barGroups(spec, showAll) {
    if (!spec.folded) return ["all"];
    return showAll ? ["top", "rest", "bottom"] : ["top", "bottom"];
  }

  function barOption(spec, showAll, font) {
    const items = spec.items.filter((item) => showAll || item.group !== "rest");
    const series = barGroups(spec, showAll).map((group) => ({
      name: spec.names[group],
      type: "bar",
      stack: "rank",
      barMaxWidth: 20,
      itemStyle: { color: COLORS[group] },
      label: {
        show: true,
        position: "right",
        formatter: (p) => (p.data && p.data.item ? p.data.item.display : ""),
      },
      data: items.map((item) =>
        item.group === group ? { value: item.value ?? 0, item } : { value: "-" },
      ),
    }));
    return {
      ...common(spec, font),
      grid: { left: 8, right: 56, top: 64, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const item = p.data && p.data.item;
          if (!item) return "";
          const lines = [`${spec.names.all}：${item.display}`];
          if (item.rank) lines.push(`第${item.rank}名（共${spec.total}个单位）`);
          return tip(item.name, lines, item.url);
        },
      },
      xAxis: { type: "value", minInterval: spec.items.every(isWhole) ? 1 : 0 },
      yAxis: {
        type: "category",
        inverse: true,
        data: items.map((item) => item.label),
        axisLabel: { width: 150, overflow: "truncate", interval: 0 },
      },
      series,
    };
  }

  function isWhole(item) {
    return item.value === null || Number.isInteger(item.value);
  }

  function barHeight(spec, showAll) {
    const count = spec.items.filter((item) => showAll || item.group !== "rest").length;
    return Math.max(count * BAR_ROW + BAR_EXTRA, 220);
  }

  // --- lines ---------------------------------------------------------------------------------
  function lineOption(spec, font) {
    return {
      ...common(spec, font),
      color: LINE_COLORS,
      grid: { left: 8, right: 24, top: 64, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: (params) => {
          const list = Array.isArray(params) ? params : [params];
          const lines = list
            .filter((p) => p.data && p.data.item)
            .map((p) => `${p.seriesName}：${p.data.item.display}`);
          const first = list.find((p) => p.data && p.data.item);
          return first ? tip(list[0].axisValue, lines, first.data.item.url) : "";
        },
      },
      xAxis: { type: "category", data: spec.labels, boundaryGap: false },
      yAxis: {
        type: "value",
        minInterval: spec.series.every((s) => s.items.every(isWhole)) ? 1 : 0,
      },
      series: spec.series.map((s, index) => ({
        name: s.name,
        type: "line",
        symbolSize: 7,
        lineStyle: { width: index === 0 ? 2.5 : 1.5, type: index === 0 ? "solid" : "dashed" },
        data: s.items.map((item) => (item.value === null ? "-" : { value: item.value, item })),
      })),
    };
  }

  // --- page ----------------------------------------------------------------------------------
  function followLink(p) {
    const item = p.data && p.data.item;
    if (item && item.url) window.location.assign(item.url);
  }

  function tableToggle(figure) {
    const button = node("button", "link chart-table-toggle", "显示数据表");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => {
      const open = figure.classList.toggle("show-table");
      button.textContent = open ? "隐藏数据表" : "显示数据表";
      button.setAttribute("aria-expanded", String(open));
    });
    return button;
  }

  function draw(el, echarts, font) {
    const spec = JSON.parse(el.dataset.chart);
    const figure = el.closest("figure");
    if (figure) figure.classList.add("charted");
    let showAll = false;
    if (spec.kind === "bar") el.style.height = `${barHeight(spec, showAll)}px`;
    const chart = echarts.init(el, null, { renderer: "canvas", locale: "ZH" });
    const render = () =>
      chart.setOption(spec.kind === "bar" ? barOption(spec, showAll, font) : lineOption(spec, font), {
        notMerge: true,
      });
    render();
    chart.on("click", followLink);
    charts.push(chart);
    el.dataset.ready = "true";

    const toggle = document.querySelector(`[data-chart-toggle="${el.id}"]`);
    if (toggle && spec.folded) {
      const fold = toggle.textContent;
      toggle.hidden = false;
      toggle.addEventListener("click", () => {
        showAll = !showAll;
        toggle.textContent = showAll ? `只显示前${spec.limit}名和后${spec.limit}名` : fold;
        toggle.setAttribute("aria-pressed", String(showAll));
        el.style.height = `${barHeight(spec, showAll)}px`;
        chart.resize();
        render();
      });
    }
    if (figure) figure.querySelector(".chart-data")?.before(tableToggle(figure));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const echarts = window.echarts;
    if (!echarts) return; // not installed (make install): the tables show the figures
    const font = window.getComputedStyle(document.body).fontFamily;
    document.querySelectorAll(".echart[data-chart]").forEach((el) => draw(el, echarts, font));
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  });
})();
