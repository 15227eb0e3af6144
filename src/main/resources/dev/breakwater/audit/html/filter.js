// The host list's filters (fleet page only). Without this script every host is shown, as printed.
// A host passes when its worst finding is at or above the chosen severity and, when ports are
// given ("3306", "2375/tcp, 22"), when it publishes or listens on one of them. The list's row and
// the host's section are hidden together. The start state comes from the address
// (fleet.html?severity=high&port=3306), so a filtered view can be shared as a link.
(function () {
  "use strict";
  var rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  var form = document.getElementById("host-filters");
  var severity = document.getElementById("filter-severity");
  var port = document.getElementById("filter-port");
  var status = document.getElementById("filter-status");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.host-row"));
  if (!form || !severity || !port || !status) {
    return;
  }
  function wanted() {
    return port.value.split(/[\s,]+/).filter(function (p) { return p !== ""; }).map(function (p) {
      return p.toLowerCase();
    });
  }
  function matchesPort(ports, asked) {
    if (asked.length === 0) {
      return true;
    }
    var have = ports.split(" ");
    return asked.some(function (a) {
      return have.some(function (h) { return h === a || h.split("/")[0] === a; });
    });
  }
  function apply() {
    var least = rank[severity.value] || 0;
    var asked = wanted();
    var shown = 0;
    rows.forEach(function (row) {
      var pass = (rank[row.getAttribute("data-severity")] || 0) >= least
        && matchesPort(row.getAttribute("data-ports") || "", asked);
      row.hidden = !pass;
      var section = document.getElementById(row.getAttribute("data-host"));
      if (section) {
        section.hidden = !pass;
      }
      if (pass) {
        shown++;
      }
    });
    status.textContent = shown + " of " + rows.length + " hosts shown";
    form.setAttribute("data-shown", String(shown));
  }
  var start = new URLSearchParams(window.location.search);
  if (rank.hasOwnProperty(start.get("severity"))) {
    severity.value = start.get("severity");
  }
  if (start.get("port")) {
    port.value = start.get("port");
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  severity.addEventListener("change", apply);
  port.addEventListener("input", apply);
  apply();
})();
