// The job page's live counts: asks the job's status every second and moves the progress
// bar; once the job has finished, the page is loaded again to show its report.
(function () {
  var section = document.getElementById("import-job");
  if (!section) return;
  var bar = document.getElementById("job-progress");
  var stage = document.getElementById("job-stage");
  var count = document.getElementById("job-count");
  var state = document.getElementById("job-state");
  var failures = 0;

  function show(status) {
    bar.value = status.percent;
    bar.textContent = status.percent + "%";
    if (status.stage) stage.textContent = status.stage;
    count.textContent = status.processed + " of " + (status.total || "?") + " records";
  }

  function poll() {
    fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        failures += 1;
        state.textContent = "The progress could not be read; trying again.";
        window.setTimeout(poll, Math.min(30000, 1000 * Math.pow(2, failures)));
      });
  }

  window.setTimeout(poll, 1000);
})();
