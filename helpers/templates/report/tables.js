/* Long tables a reader can use offline: every pandas table (table.dataframe) with more than
   MIN_ROWS body rows gets a filter box and headers that sort on click. No library, no
   request: this file is inlined into each report by helpers.report.export. */
(function () {
  "use strict";
  var MIN_ROWS = __MIN_ROWS__;  /* helpers.report.export.TABLE_MIN_ROWS */

  function cellText(row, col) {
    var cell = row.cells[col];
    return cell ? cell.textContent.trim() : "";
  }

  function asNumber(text) {
    if (!/^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$/i.test(text)) { return null; }
    return parseFloat(text.replace(/,/g, ""));
  }

  function compare(a, b) {
    if (a === b) { return 0; }
    if (a === "") { return 1; }  /* empty cells last */
    if (b === "") { return -1; }
    var x = asNumber(a), y = asNumber(b);
    if (x !== null && y !== null) { return x - y; }
    return a.localeCompare(b, undefined, {numeric: true, sensitivity: "base"});
  }

  function enhance(table, index) {
    var body = table.tBodies[0];
    if (!body || body.rows.length <= MIN_ROWS || !table.tHead) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var bar = document.createElement("div");
    bar.className = "table-tools";
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = "Filter rows";
    box.id = "table-filter-" + index;
    box.setAttribute("aria-label", "Filter the rows of the table below");
    var count = document.createElement("span");
    count.className = "table-count";
    count.textContent = rows.length + " rows";
    bar.appendChild(box);
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.style.display = keep ? "" : "none";
        if (keep) { shown += 1; }
      });
      count.textContent = shown === rows.length ? rows.length + " rows"
        : shown + " of " + rows.length + " rows";
    });
    var head = table.tHead.rows[table.tHead.rows.length - 1];
    Array.prototype.forEach.call(head.cells, function (th, col) {
      th.classList.add("sortable");
      th.title = "Sort by this column";
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        rows.sort(function (a, b) {
          var order = compare(cellText(a, col), cellText(b, col));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.dataframe"), enhance);
}());
