// The live chat console's queue, refreshed every two seconds (channels/chat/console.html).
(function () {
  var body = document.querySelector("#chat-queue tbody");
  var table = document.getElementById("chat-queue");
  var stateUrl = table.getAttribute("data-state-url");
  var empty = table.getAttribute("data-empty-label");
  function cell(text, href) {
    var td = document.createElement("td");
    if (href) { var a = document.createElement("a"); a.href = href; a.textContent = text; td.appendChild(a); }
    else { td.textContent = text; }
    return td;
  }
  function refresh() {
    fetch(stateUrl, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
      if (!d) { return; }
      body.textContent = "";
      if (!d.chats.length) { var tr = document.createElement("tr"); var td = cell(empty); td.colSpan = 5; tr.appendChild(td); body.appendChild(tr); }
      d.chats.forEach(function (c) {
        var tr = document.createElement("tr");
        [cell("#" + c.id, c.url), cell(c.status_label), cell(c.account), cell(c.topic), cell(c.started)].forEach(function (td) { tr.appendChild(td); });
        body.appendChild(tr);
      });
    }).catch(function () {});
  }
  setInterval(refresh, 2000);
})();
