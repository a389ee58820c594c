// 后台任务进度页：每秒读取任务状态（JSON），更新进度条；任务结束后刷新页面以显示结果。
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var state = box.getAttribute("data-state");
  if (state === "done" || state === "failed") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-bar");
  var percent = document.getElementById("job-percent");
  var message = document.getElementById("job-message");
  var label = document.getElementById("job-state");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        if (job.finished) { window.location.reload(); return; }
        bar.max = job.total > 0 ? job.total : 1;
        bar.value = job.done;
        bar.textContent = job.percent + "%";
        percent.textContent = job.percent + "%";
        message.textContent = job.message;
        label.textContent = job.state_label;
        label.className = "job-state-" + job.state;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
