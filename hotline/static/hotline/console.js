/* The console's live look-up of published verdicts while the operator types.
   Progressive enhancement: without this script the "Look up" button does the same on the server. */
(function () {
  "use strict";
  var form = document.getElementById("call-form");
  var box = document.getElementById("lookup-results");
  if (!form || !box || !window.fetch) { return; }
  var url = form.getAttribute("data-lookup-url");
  var timer = null;
  var last = "";
  // Translated on the server, like every other word on the page.
  var t = {known: box.getAttribute("data-known"), none: box.getAttribute("data-none")};

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function show(data) {
    box.replaceChildren();
    if (data.error) { box.appendChild(el("p", data.error, "alert")); return; }
    if (!data.asked) { return; }
    if (!data.matches.length) { box.appendChild(el("p", t.none)); return; }
    var p = el("p"); p.appendChild(el("strong", t.known)); box.appendChild(p);
    var list = el("ul", "", "lookup-matches");
    data.matches.forEach(function (m) {
      var li = el("li");
      li.appendChild(el("span", m.label_name, "badge"));
      li.appendChild(document.createTextNode(" "));
      var a = el("a", m.title); a.href = m.url; a.target = "_blank"; a.rel = "noopener";
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("small", "(" + m.closeness + (m.reasons.length ? ": " + m.reasons.join(", ") : "") + ")"));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function ask() {
    var body = new FormData();
    body.append("text", form.elements.text.value);
    body.append("urls", form.elements.urls.value);
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    var key = form.elements.text.value + "\n" + form.elements.urls.value;
    if (key === last) { return; }
    last = key;
    fetch(url, {method: "POST", body: body, credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* the button still works */ });
  }

  ["text", "urls"].forEach(function (name) {
    form.elements[name].addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 500);
    });
  });
}());
