// Small SVG charts for the staff overview: a line chart (one or more series over days) and horizontal bars.
// No library: labels go in as text nodes, so nothing from the data can become markup.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1d4f91", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490"];

  function svg(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function niceMax(value) {
    if (value <= 0) return 1;
    const step = 10 ** Math.floor(Math.log10(value));
    return Math.ceil(value / step) * step;
  }

  function legend(series) {
    const list = document.createElement("ul");
    list.className = "legend";
    series.forEach((s, i) => {
      const item = document.createElement("li");
      const swatch = svg("svg", { width: 12, height: 12, "aria-hidden": "true" });
      swatch.append(svg("rect", { width: 12, height: 12, fill: PALETTE[i % PALETTE.length] }));
      item.append(swatch, document.createTextNode(` ${s.name}`));
      list.append(item);
    });
    return list;
  }

  // line(container, {labels: ["2026-11-01", ...], series: [{name, values}], percent: bool})
  function line(container, { labels, series, percent }) {
    const width = 560, height = 220, left = 44, right = 24, top = 10, bottom = 36;
    const all = series.flatMap((s) => s.values);
    // up to four steps on the axis; counts step by whole numbers (a peak of 1 is an axis 0-1, not 0-0.25-…-1)
    const peak = percent ? Math.min(1, niceMax(Math.max(0.05, ...all))) : niceMax(Math.max(1, ...all));
    const steps = percent ? 4 : Math.min(4, peak);
    const max = percent ? peak : Math.ceil(peak / steps) * steps;
    const x = (i) => left + (labels.length < 2 ? (width - left - right) / 2 : (i * (width - left - right)) / (labels.length - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const fmt = (v) => (percent ? `${Math.round(v * 100)}%` : String(Math.round(v * 10) / 10));
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg" });
    chart.append(svg("title", {}, series.map((s) => s.name).join(", ")));
    for (let t = 0; t <= steps; t += 1) {
      const value = (max * t) / steps;
      chart.append(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: "grid" }));
      chart.append(svg("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", class: "tick" }, fmt(value)));
    }
    const every = Math.max(1, Math.ceil(labels.length / 7));
    labels.forEach((label, i) => {
      if (i % every === 0 || i === labels.length - 1) {
        chart.append(svg("text", { x: x(i), y: height - bottom + 16, "text-anchor": "middle", class: "tick" }, label.slice(5)));
      }
    });
    series.forEach((s, n) => {
      const colour = PALETTE[n % PALETTE.length];
      const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
      chart.append(svg("polyline", { points, fill: "none", stroke: colour, "stroke-width": 2 }));
      s.values.forEach((v, i) => {
        const dot = svg("circle", { cx: x(i), cy: y(v), r: 3, fill: colour });
        dot.append(svg("title", {}, `${s.name} ${labels[i]}: ${fmt(v)}`));
        chart.append(dot);
      });
    });
    container.replaceChildren(chart, ...(series.length > 1 ? [legend(series)] : []));
  }

  // bars(container, {entries: [[label, value], ...]}): horizontal bars, largest first as given.
  function bars(container, { entries }) {
    const rowHeight = 22, left = 150, width = 560, right = 40;
    const height = Math.max(rowHeight, entries.length * rowHeight) + 4;
    const max = Math.max(1, ...entries.map(([, v]) => v));
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg" });
    chart.append(svg("title", {}, entries.map(([label, value]) => `${label}: ${value}`).join(", ")));
    entries.forEach(([label, value], i) => {
      const y = i * rowHeight + 2;
      const barWidth = ((width - left - right) * value) / max;
      chart.append(svg("text", { x: left - 6, y: y + 15, "text-anchor": "end", class: "tick" }, label));
      chart.append(svg("rect", { x: left, y: y + 3, width: Math.max(1, barWidth), height: rowHeight - 6, fill: PALETTE[0] }));
      chart.append(svg("text", { x: left + barWidth + 4, y: y + 15, class: "tick" }, value));
    });
    container.replaceChildren(chart);
  }

  return { line, bars };
})();
