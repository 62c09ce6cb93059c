// The polling chat log, shared by the portal page and the agent console. Text is inserted
// with textContent, never as HTML. Loaded as a file: the Content-Security-Policy allows no
// inline script.
(function () {
  var log = document.getElementById("chatlog");
  var form = document.getElementById("chat-form");
  var statusEl = document.getElementById("chat-status");
  var caseEl = document.getElementById("chat-case");
  var errorEl = document.getElementById("chat-error");
  var labels = JSON.parse(document.getElementById("chat-labels").textContent);
  var after = 0, busy = false;
  function add(m) {
    if (m.id <= after) { return; }
    var p = document.createElement("p");
    p.className = m.sender;
    p.setAttribute("data-id", m.id);
    var who = document.createElement("span");
    who.className = "meta";
    who.textContent = (labels[m.sender] || m.sender) + " ";
    var bubble = document.createElement("span");
    bubble.className = "bubble";
    bubble.textContent = m.body;
    p.appendChild(who);
    p.appendChild(bubble);
    log.appendChild(p);
    log.scrollTop = log.scrollHeight;
    after = m.id;
  }
  function poll() {
    if (busy) { return; }
    busy = true;
    fetch(log.getAttribute("data-messages-url") + "?after=" + after, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        d.messages.forEach(add);
        if (statusEl) { statusEl.textContent = d.status_label; statusEl.setAttribute("data-status", d.status); }
        if (caseEl && d.case) { caseEl.textContent = d.case; caseEl.hidden = false; if (caseEl.parentNode) { caseEl.parentNode.hidden = false; } }
        if (form && d.status === "closed") { form.hidden = true; }
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data = new FormData(form);
      if (!String(data.get("body") || "").trim()) { return; }
      fetch(form.action, {method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": data.get("csrfmiddlewaretoken")}})
        .then(function (r) { return r.json().then(function (d) { return [r.ok, d]; }); })
        .then(function (res) {
          if (res[0]) { form.reset(); errorEl.textContent = ""; poll(); }
          else { errorEl.textContent = res[1].error || ""; }
        })
        .catch(function () { errorEl.textContent = labels.offline; });
    });
  }
  poll();
  setInterval(poll, 1000);
})();
