// A background job's page: poll the job's row until it has ended, then show the page again (the
// server writes the outcome). No inline script: the CSP forbids it.
(function () {
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "1") { return; }
  var url = box.getAttribute("data-poll");
  var bar = document.getElementById("job-bar");
  var text = document.getElementById("job-text");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.finished) { window.location.reload(); return; }
        if (job.total) {
          var share = Math.min(100, Math.round(100 * job.done / job.total));
          bar.value = share; text.textContent = "已处理 " + job.done + " / " + job.total + "（" + share + "%）";
        } else {
          text.textContent = job.state === "queued" ? "排队中…" : "进行中…";
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
