/* natokg's network page: draws the data with vis-network, then search, filters and gaps.
   Every text from the data goes into the page with textContent, never as markup. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("natokg-data").textContent);
  var byId = function (id) { return document.getElementById(id); };

  /* A tooltip as DOM elements: vis-network shows an Element as it is (a string title would
     be shown as text, but lines and quotes need structure). */
  function tooltip(lines) {
    var box = document.createElement("div");
    box.className = "natokg-tip";
    lines.forEach(function (line) {
      var element = document.createElement(line[0] === "h" ? "strong" : "div");
      element.className = "tip-" + line[0];
      element.textContent = line[0] === "q" ? "\u201c" + line[1] + "\u201d" : line[1];
      box.appendChild(element);
    });
    return box;
  }

  // natokg's own fields stay out of vis-network's items.
  var kindOf = {}, names = {}, tips = {}, isGap = {};
  var nodeItems = data.nodes.map(function (node) {
    var item = {};
    Object.keys(node).forEach(function (key) {
      if (key === "kindKey") { kindOf[node.id] = node[key]; }
      else if (key === "names") { names[node.id] = node[key]; }
      else if (key === "tip") { tips[node.id] = node[key]; }
      else { item[key] = node[key]; }
    });
    item.title = tooltip(tips[node.id]);
    return item;
  });
  var edgeItems = data.edges.map(function (edge) {
    var item = {};
    Object.keys(edge).forEach(function (key) {
      if (key === "tip" || key === "styleKey") { return; }
      if (key === "gap") { isGap[edge.id] = true; return; }
      item[key] = edge[key];
    });
    item.title = tooltip(edge.tip);
    return item;
  });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var network = new vis.Network(byId("natokg-network"), { nodes: nodes, edges: edges }, data.options);
  window.natokgNetwork = network;
  window.natokgStable = false;

  function stable() {
    network.setOptions({ physics: { enabled: false } });
    byId("natokg-loading").hidden = true;
    window.natokgStable = true;
  }
  if (data.nodes.length === 0) { stable(); }
  else {
    network.on("stabilizationProgress", function (p) {
      byId("natokg-loading").textContent = "Laying out the network: " +
        Math.round(100 * p.iterations / p.total) + " %";
    });
    network.once("stabilizationIterationsDone", stable);
  }

  // Neighbours, for the search (a match is shown with what it links to).
  var neighbours = {};
  data.nodes.forEach(function (node) { neighbours[node.id] = []; });
  data.edges.forEach(function (edge) {
    neighbours[edge.from].push(edge.to);
    neighbours[edge.to].push(edge.from);
  });
  var ids = data.nodes.map(function (node) { return node.id; });

  var state = { partner: "", technology: "", search: "", gaps: true, kinds: {} };
  data.groups.forEach(function (group) { state.kinds[group] = true; });
  var hiddenNodes = {}, hiddenEdges = {};

  function membersOf(list, choice) {
    if (choice === "") { return null; }
    var found = {};
    list[Number(choice)].members.forEach(function (index) { found[ids[index]] = true; });
    return found;
  }

  function visibleNodes() {
    var partner = membersOf(data.partners, state.partner);
    var technology = membersOf(data.technologies, state.technology);
    var search = null, matches = [];
    if (state.search) {
      search = {};
      ids.forEach(function (id) {
        if (names[id].indexOf(state.search) !== -1) {
          matches.push(id);
          search[id] = true;
          neighbours[id].forEach(function (other) { search[other] = true; });
        }
      });
    }
    var shown = {};
    ids.forEach(function (id) {
      if (state.kinds[kindOf[id]] && (!partner || partner[id]) &&
          (!technology || technology[id]) && (!search || search[id])) {
        shown[id] = true;
      }
    });
    return { shown: shown, matches: matches };
  }

  function apply() {
    var found = visibleNodes(), shown = found.shown;
    var nodeChanges = [], edgeChanges = [];
    var nodeCount = 0, edgeCount = 0;
    ids.forEach(function (id) {
      var hide = !shown[id];
      if (!hide) { nodeCount += 1; }
      if (hide !== Boolean(hiddenNodes[id])) { nodeChanges.push({ id: id, hidden: hide }); hiddenNodes[id] = hide; }
    });
    data.edges.forEach(function (edge) {
      var hide = !(shown[edge.from] && shown[edge.to] && (state.gaps || !isGap[edge.id]));
      if (!hide) { edgeCount += 1; }
      if (hide !== Boolean(hiddenEdges[edge.id])) { edgeChanges.push({ id: edge.id, hidden: hide }); hiddenEdges[edge.id] = hide; }
    });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    byId("natokg-counts").textContent = "Showing " + nodeCount + " of " + ids.length + " nodes, " +
      edgeCount + " of " + data.edges.length + " edges";
    var result = byId("natokg-search-result");
    if (state.search) {
      result.textContent = found.matches.length + (found.matches.length === 1 ? " match" : " matches") +
        " (shown with their neighbours)";
      network.selectNodes(found.matches.filter(function (id) { return shown[id]; }));
    } else {
      result.textContent = "";
      network.unselectAll();
    }
  }

  var timer = null;
  byId("natokg-search").addEventListener("input", function (event) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      state.search = event.target.value.trim().toLowerCase();
      apply();
    }, 150);
  });
  byId("natokg-partner").addEventListener("change", function (event) { state.partner = event.target.value; apply(); });
  byId("natokg-technology").addEventListener("change", function (event) { state.technology = event.target.value; apply(); });
  byId("natokg-gaps").addEventListener("change", function (event) { state.gaps = event.target.checked; apply(); });
  Array.prototype.forEach.call(document.querySelectorAll("input.natokg-kind"), function (box) {
    box.addEventListener("change", function () { state.kinds[box.value] = box.checked; apply(); });
  });
  byId("natokg-reset").addEventListener("click", function () {
    state.partner = state.technology = state.search = "";
    state.gaps = true;
    byId("natokg-search").value = "";
    byId("natokg-partner").value = byId("natokg-technology").value = "";
    byId("natokg-gaps").checked = true;
    Array.prototype.forEach.call(document.querySelectorAll("input.natokg-kind"), function (box) {
      box.checked = true;
      state.kinds[box.value] = true;
    });
    apply();
    network.fit();
  });

  window.natokg = {
    network: network, nodes: nodes, edges: edges, state: state, apply: apply,
    /* What vis-network draws now: its visible node and edge ids. */
    drawn: function () {
      return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
    }
  };
})();
