/* The book's search (search.html; book/_ext/fulltext_search.py writes _static/fulltext.js, the text of every
 * section of the book). A query is looked for as written: every space-separated part must occur in the
 * section's heading or text (Latin letters in any case). Each hit lists its page and section, linked, with a snippet in
 * which the query's parts are marked. */
(function () {
  "use strict";
  var input = document.getElementById("book-search-query");
  var status = document.getElementById("book-search-status");
  var list = document.getElementById("book-search-results");
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  input.value = query;
  if (!query) { input.focus(); return; }
  var terms = query.toLowerCase().split(/\s+/).filter(function (t) { return t; });

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c]; });
  }

  function snippet(text, lower) {
    var at = Math.max(0, lower.indexOf(terms[0]));  // a query found in the heading only: the text's beginning
    var start = Math.max(0, at - 40), end = Math.min(text.length, at + terms[0].length + 60);
    return marked((start > 0 ? "……" : "") + text.slice(start, end) + (end < text.length ? "……" : ""));
  }

  function marked(text) {
    var html = escapeHtml(text);
    terms.forEach(function (term) {
      var pattern = new RegExp(escapeHtml(term).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
      html = html.replace(pattern, function (hit) { return "<mark>" + hit + "</mark>"; });
    });
    return html;
  }

  var hits = [];
  (window.BOOK_FULLTEXT || []).forEach(function (page) {
    page.sections.forEach(function (section) {
      var lower = section.text.toLowerCase();
      var searched = (section.title + " " + section.text).toLowerCase();  // its heading is searched too
      if (terms.every(function (term) { return searched.indexOf(term) >= 0; })) {
        hits.push({page: page, section: section, lower: lower});
      }
    });
  });
  status.textContent = hits.length ? "“" + query + "”：找到 " + hits.length + " 处" : "“" + query + "”：没有找到";
  hits.forEach(function (hit) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = hit.page.url + (hit.section.anchor ? "#" + hit.section.anchor : "");
    link.innerHTML = marked(hit.page.title + (hit.section.title && hit.section.title !== hit.page.title ? " › " + hit.section.title : ""));
    var text = document.createElement("p");
    text.className = "book-search-snippet";
    text.innerHTML = snippet(hit.section.text, hit.lower);
    item.appendChild(link);
    item.appendChild(text);
    list.appendChild(item);
  });
})();
