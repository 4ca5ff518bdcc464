// supportdesk: small, optional enhancements. Every page works without this file.
"use strict";

(function () {
  document.documentElement.classList.add("js");

  // After a failed submit, take keyboard and screen-reader focus to the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  var form = document.getElementById("issue-form");
  if (!form) return;

  var csrf = form.querySelector("input[name=csrf_token]").value;
  // Only the answer to the latest request is applied, so a slow answer
  // to an earlier one cannot undo a newer change.
  var latest = 0;
  // Parts asked for since the last swap: every answer carries them all, so
  // the latest answer also swaps what an overtaken request was for.
  var owed = {};

  // Posts the whole form (plus one extra pair) to a fragment endpoint and
  // swaps the parts it returns, keeping everything typed.
  function refresh(url, extra, parts) {
    var seq = ++latest;
    parts.forEach(function (id) { owed[id] = true; });
    var data = new URLSearchParams(new FormData(form));
    data.delete("action");
    if (extra) data.append(extra[0], extra[1]);
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "X-Requested-With": "fetch" }
    }).then(function (res) {
      if (!res.ok && res.status !== 422) throw new Error("HTTP " + res.status);
      return res.text();
    }).then(function (html) {
      if (seq !== latest) return;
      var doc = new DOMParser().parseFromString(html, "text/html");
      Object.keys(owed).forEach(function (id) {
        var fresh = doc.getElementById(id);
        var current = document.getElementById(id);
        if (fresh && current) current.innerHTML = fresh.innerHTML;
      });
      owed = {};
    }).catch(function () {
      // The no-JavaScript path still works: "Update fields" and the buttons submit the form.
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.getAttribute("data-refresh") === "fields") {
      refresh("/issues/new/fields", null, ["plane-fields", "suggestions"]);
    }
  });

  var timer = null;
  form.addEventListener("input", function (event) {
    if (event.target.getAttribute("data-refresh") !== "suggestions") return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      refresh("/issues/new/fields", null, ["suggestions"]);
    }, 500);
  });

  // Doc feedback buttons live beside the form (form="issue-form").
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=feedback]");
    if (!button) return;
    event.preventDefault();
    refresh("/issues/new/feedback", ["feedback", button.value], ["suggestions"]);
  });
})();
