/* Charter console: a knowledge-base upload with a progress bar (console/knowledge.py).
   The file goes as the raw request body with the form's CSRF token in a header; without this
   script the same form is sent as multipart/form-data and works, only without the bar. */
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("upload-form");
    if (!form || !window.XMLHttpRequest) { return; }
    var input = document.getElementById("upload-file");
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") + "?filename=" + encodeURIComponent(file.name));
      xhr.setRequestHeader("content-type", "application/octet-stream");
      xhr.setRequestHeader("x-charter-csrf", form.elements.csrf.value);
      bar.hidden = false;
      bar.max = file.size || 1;
      bar.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.max = e.total;
          bar.value = e.loaded;
          bar.textContent = Math.round(100 * e.loaded / e.total) + " %";
        }
      });
      xhr.upload.addEventListener("load", function () {
        status.textContent = "Sent " + file.name + "; reading and indexing it…";
      });
      xhr.addEventListener("load", function () {
        if (xhr.status === 201) {
          status.textContent = "Uploaded " + file.name + ".";
          window.location.assign(JSON.parse(xhr.responseText).location);
          return;
        }
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var title = page.querySelector("h1");
        var alert = page.querySelector(".alert");
        bar.hidden = true;
        status.textContent = "Not uploaded (HTTP " + xhr.status + "). " + (title ? title.textContent.trim() + ": " : "") +
          (alert ? alert.textContent.trim() : "");
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        status.textContent = "The upload failed: the connection was lost. Try again.";
      });
      status.textContent = "Sending " + file.name + "…";
      xhr.send(file);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
