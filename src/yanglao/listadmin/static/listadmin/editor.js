// The YAML editor: after a refused save, put the cursor on the line the error names.
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-line]");
  if (!area) return;
  var line = parseInt(area.getAttribute("data-line"), 10);
  if (!line) return;
  var lines = area.value.split("\n");
  var start = 0;
  for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
  var end = start + (lines[line - 1] || "").length;
  var height = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (line - 5) * height);
  area.setSelectionRange(start, end);
})();
