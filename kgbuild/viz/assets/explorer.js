/* kgbuild graph explorer: draws window.kgData with vis-network and adds search, filters, details.
 *
 * Safety: every string from the data is untrusted paper text. The only HTML inserted is the
 * tooltip markup that Python built with every value escaped; everything else is put in the page
 * with textContent, and links are only made from https URLs.
 */
(function () {
  "use strict";
  var data = window.kgData;
  var MAX_RESULTS = 15;
  var MAX_ABSENT_RESULTS = 5;

  // Python's kgbuild.records.normalise_name: NFKC, lower case, ASCII letters and digits only.
  function normalise(text) {
    var folded = String(text).normalize("NFKC").toLowerCase();
    var key = folded.replace(/[^0-9a-z]+/g, "");
    return key || folded.trim();  // names without ASCII letters (e.g. CJK) compare as written
  }

  function tip(html) {
    // Tooltips arrive as HTML in which Python escaped every value taken from the data;
    // vis-network shows plain strings as raw text, so they are handed over as elements.
    var box = document.createElement("div");
    box.className = "kg-tip";
    box.innerHTML = html;
    return box;
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https:\/\//.test(url) ? url : null;
  }

  var tipHtml = {};
  data.nodes.forEach(function (n) { tipHtml[n.id] = n.title; n.title = tip(n.title); });
  data.edges.forEach(function (e) { tipHtml[e.id] = e.title; e.title = tip(e.title); });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var explorer = {
    network: network,
    nodes: nodes,
    edges: edges,
    drawnMs: null,  // ms from navigation start until the graph was first drawn (settled)
    visibleNodeIds: function () {
      return nodes.getIds({ filter: function (n) { return !n.hidden; } });
    },
    visibleEdgeIds: function () {
      return edges.getIds({ filter: function (e) { return !e.hidden; } });
    }
  };
  window.kgExplorer = explorer;

  // --- load-to-drawn timing: the first frame after the layout settled --------------------
  function markDrawn() {
    explorer.drawnMs = performance.now();
    document.documentElement.setAttribute("data-kg-drawn", String(Math.round(explorer.drawnMs)));
  }
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () { network.once("afterDrawing", markDrawn); });
  } else {
    network.once("afterDrawing", markDrawn);
  }

  // --- filters by kind and relation -------------------------------------------------------
  var kindBoxes = document.querySelectorAll("input[data-kind]");
  var relationBoxes = document.querySelectorAll("input[data-relation]");

  function unchecked(boxes, attr) {
    var off = {};
    Array.prototype.forEach.call(boxes, function (box) { if (!box.checked) { off[box.getAttribute(attr)] = true; } });
    return off;
  }

  function applyFilters() {
    var kindsOff = unchecked(kindBoxes, "data-kind");
    var relationsOff = unchecked(relationBoxes, "data-relation");
    var hiddenNode = {};
    nodes.update(nodes.map(function (n) {
      hiddenNode[n.id] = !!kindsOff[n.group];
      return { id: n.id, hidden: hiddenNode[n.id] };
    }));
    // an edge goes with either end: a dangling arrow would point at nothing
    edges.update(edges.map(function (e) {
      return { id: e.id, hidden: !!(relationsOff[e.kgRelation] || hiddenNode[e.from] || hiddenNode[e.to]) };
    }));
  }
  Array.prototype.forEach.call(kindBoxes, function (box) { box.addEventListener("change", applyFilters); });
  Array.prototype.forEach.call(relationBoxes, function (box) { box.addEventListener("change", applyFilters); });
  explorer.applyFilters = applyFilters;

  // --- details panel and click-through ------------------------------------------------------
  var details = document.getElementById("kg-details");

  function paperList(ids) {
    var list = el("ul");
    ids.forEach(function (pid) {
      var paper = data.papers[pid] || { title: pid, url: null };
      var item = el("li");
      var url = safeUrl(paper.url);
      if (url) {
        var link = el("a", paper.title || pid);
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        item.appendChild(link);
      } else {
        item.appendChild(el("span", paper.title || pid));
      }
      list.appendChild(item);
    });
    return list;
  }

  function showDetails(heading, html, paperIds) {
    details.textContent = "";
    details.appendChild(el("h2", heading));
    details.appendChild(tip(html));
    if (paperIds && paperIds.length) {
      details.appendChild(el("h3", paperIds.length === 1 ? "Paper" : "Papers (" + paperIds.length + ")"));
      details.appendChild(paperList(paperIds));
    }
  }

  function showNode(id) {
    var n = nodes.get(id);
    if (n) { showDetails(n.label, tipHtml[id], n.kgPapers); }
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      showNode(params.nodes[0]);
    } else if (params.edges.length) {
      var e = edges.get(params.edges[0]);
      if (e) { showDetails(e.label || e.kgRelation.replace(/_/g, " "), tipHtml[e.id], e.kgPapers); }
    }
  });

  network.on("doubleClick", function (params) {
    if (!params.nodes.length) { return; }
    var n = nodes.get(params.nodes[0]);
    var url = n && (safeUrl(n.kgUrl) || (n.kgPapers.length === 1 && data.papers[n.kgPapers[0]] && safeUrl(data.papers[n.kgPapers[0]].url)));
    if (url) { window.open(url, "_blank", "noopener,noreferrer"); }
  });

  // --- search by any alias ------------------------------------------------------------------
  var searchBox = document.getElementById("kg-search");
  var resultsList = document.getElementById("kg-search-results");
  var shownIndex = data.nodes.map(function (n) {
    return { id: n.id, label: n.label, kind: n.group, names: n.kgNames, keys: n.kgNames.map(normalise), size: n.size || 0 };
  });
  var absentIndex = data.omitted.map(function (row) {
    return { id: null, label: row[0], kind: row[1], names: row[2], keys: row[2].map(normalise), size: 0 };
  });

  function score(entry, key) {
    // 0: the label itself, 1: an alias, 2: a name starting with it, 3: a name containing it
    var best = null;
    entry.keys.forEach(function (k, i) {
      var s = k === key ? (i === 0 ? 0 : 1) : k.indexOf(key) === 0 ? 2 : k.indexOf(key) > 0 ? 3 : null;
      if (s !== null && (best === null || s < best.score)) { best = { score: s, name: entry.names[i] }; }
    });
    return best;
  }

  function find(query, index, limit) {
    var key = normalise(query);
    if (!key) { return []; }
    var hits = [];
    index.forEach(function (entry) {
      var s = score(entry, key);
      if (s) { hits.push({ entry: entry, score: s.score, name: s.name }); }
    });
    hits.sort(function (a, b) {
      return a.score - b.score || b.entry.size - a.entry.size || (a.entry.label < b.entry.label ? -1 : a.entry.label > b.entry.label ? 1 : 0);
    });
    return hits.slice(0, limit);
  }

  function focusNode(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    var box = document.querySelector('input[data-kind="' + n.group + '"]');
    if (box && !box.checked) { box.checked = true; applyFilters(); }
    resultsList.textContent = "";  // chosen: the list would hide the graph
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showNode(id);
  }

  function resultItem(hit, absent) {
    var item = el("li");
    var button = el("button");
    button.type = "button";
    button.appendChild(el("span", hit.entry.label));
    button.appendChild(el("span", hit.entry.kind, "kg-kind"));
    if (hit.name !== hit.entry.names[0]) { button.appendChild(el("span", "also called " + hit.name, "kg-alias")); }
    if (absent) {
      button.appendChild(el("span", "not in this view: kgbuild viz --focus \"" + hit.entry.names[0] + "\" --hops 2", "kg-absent"));
      button.disabled = true;
    } else {
      button.setAttribute("data-node", hit.entry.id);
      button.addEventListener("click", function () { focusNode(hit.entry.id); });
    }
    item.appendChild(button);
    return item;
  }

  function search(query) {
    var shown = find(query, shownIndex, MAX_RESULTS);
    var absent = find(query, absentIndex, MAX_ABSENT_RESULTS);
    resultsList.textContent = "";
    shown.forEach(function (hit) { resultsList.appendChild(resultItem(hit, false)); });
    absent.forEach(function (hit) { resultsList.appendChild(resultItem(hit, true)); });
    if (query.trim() && !shown.length && !absent.length) { resultsList.appendChild(el("li", "no match")); }
    return shown.map(function (hit) { return hit.entry.id; });
  }
  explorer.search = search;
  explorer.focusNode = focusNode;

  searchBox.addEventListener("input", function () { search(searchBox.value); });
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var ids = search(searchBox.value);
      if (ids.length) { focusNode(ids[0]); }
    } else if (event.key === "Escape") {
      searchBox.value = "";
      resultsList.textContent = "";
    }
  });
})();
