// The bulletin job's progress bar: poll the page's JSON until the job ends, then reload the page (which
// then shows the download link or the error).
(function () {
  "use strict";
  var box = document.getElementById("bulletin-job");
  var bar = document.getElementById("bulletin-progress");
  if (!box || !bar || box.dataset.finished === "1") {
    return;
  }
  function poll() {
    fetch(window.location.href, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (job) {
        if (!job) {
          window.setTimeout(poll, 3000);
          return;
        }
        bar.max = Math.max(job.total, 1);
        bar.value = job.done;
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 500);
})();
