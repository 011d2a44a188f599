// The focused graph of an entity page. Data comes from a JSON block (never evaluated as script);
// labels are drawn on the canvas as text and tooltips are built as DOM text nodes, so names and
// titles from papers can never become markup.
(function () {
  "use strict";
  var holder = document.getElementById("kg-focus");
  var source = document.getElementById("kg-focus-data");
  if (!holder || !source || typeof vis === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function tip(lines) {
    var box = document.createElement("div");
    lines.forEach(function (line, i) {
      var row = document.createElement("div");
      row.textContent = line;
      if (i === 0) { row.style.fontWeight = "600"; }
      box.appendChild(row);
    });
    return box;
  }
  var nodes = data.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, level: n.level, size: n.size, shape: n.shape,
      color: { background: n.color, border: n.root ? "#222" : n.color },
      borderWidth: n.root ? 3 : 1, font: { size: 15, color: "#1d232b", strokeWidth: 3, strokeColor: "#fff" },
      title: tip([n.label, n.href ? "click to open" : ""]), href: n.href
    };
  });
  var edges = data.edges.map(function (e, i) {
    var lines = [e.label + " — " + e.evidence + " paper" + (e.evidence === 1 ? "" : "s")].concat(e.papers);
    return {
      id: "e" + i, from: e.from, to: e.to, label: e.label, width: e.width, title: tip(lines),
      color: { color: e.color, highlight: "#000" }, arrows: { to: { enabled: true, scaleFactor: 0.6 } },
      font: { size: 11, color: "#555", strokeWidth: 3, strokeColor: "#fff", align: "middle" }
    };
  });
  var started = performance.now();
  var network = new vis.Network(holder, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, {
    layout: { hierarchical: { enabled: true, direction: "UD", sortMethod: "directed", levelSeparation: 110, nodeSpacing: 150 } },
    physics: false,
    interaction: { hover: true, tooltipDelay: 120 },
    edges: { smooth: false }
  });
  network.once("afterDrawing", function () {
    window.kgFocusDrawnMs = performance.now() - started;
  });
  network.on("click", function (params) {
    if (params.nodes.length) {
      var node = nodes.find(function (n) { return n.id === params.nodes[0]; });
      if (node && node.href) { window.location.href = node.href; }
    }
  });
  window.kgFocus = network;
})();
