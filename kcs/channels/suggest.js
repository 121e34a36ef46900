/* The portal's suggestion widget for any ticket form: one script tag,
     <script src="https://help.example.org/_kcs/suggest.js" data-kcs-for="#description" async></script>
   suggests articles of the portal's search index (Pagefind, from the portal's host, in the
   page's language) while the field is typed in, and opens them in a new tab. It sends the
   contact page's beacons (suggest, suggest-click, contact) to the portal's /_kcs/e: no
   cookies, no other host, nothing when Do Not Track or Global Privacy Control is on. No
   inline script or style, so a strict Content-Security-Policy of the host page only has to
   allow the portal's origin (docs/guides/administrator.md, "Suggestions in a ticket form"). */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src) return;
  var portal = new URL("../", me.src); // the script lives at <portal>/_kcs/suggest.js
  var STRINGS = "@@STRINGS@@";
  var lang = (me.getAttribute("data-kcs-lang") || document.documentElement.lang || "en")
    .toLowerCase()
    .split("-")[0];
  var S = STRINGS[lang] || STRINGS.en;
  var max = Math.min(parseInt(me.getAttribute("data-kcs-max"), 10) || 5, 10);
  var MIN = 3; // characters before suggesting
  var PAUSE = 250; // ms without typing before suggesting
  var SETTLE = 1000; // ms without typing before the suggest beacon counts
  var privacy =
    navigator.doNotTrack === "1" ||
    window.doNotTrack === "1" ||
    navigator.globalPrivacyControl === true;

  function clip(value, n) {
    return Array.from(String(value)).slice(0, n).join("");
  }

  function tidy(text) {
    return clip(String(text || "").replace(/\s+/g, " ").trim(), 200);
  }

  function beacon(type, params) {
    if (privacy) return;
    var parts = ["v=1", "t=" + type];
    params.forEach(function (p) {
      parts.push(p[0] + "=" + encodeURIComponent(p[0] === "q" ? tidy(p[1]) : clip(p[1], 100)));
    });
    parts.push("l=" + encodeURIComponent(lang));
    try {
      fetch(new URL("_kcs/e?" + parts.join("&"), portal).href, {
        mode: "no-cors",
        credentials: "omit",
        cache: "no-store",
        keepalive: true,
        referrerPolicy: "origin", // the host, never the host page's path (ticket ids)
      }).catch(function () {});
    } catch (err) {
      /* usage data is not worth an error */
    }
  }

  var engine = null;
  function pagefind() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", portal).href).then(function (pf) {
        // A worker must come from the page's own origin: search on the main thread.
        return pf.createInstance({
          basePath: new URL("pagefind/", portal).href,
          baseUrl: "/",
          language: lang,
          noWorker: true,
          excerptLength: 0,
        });
      });
    }
    return engine;
  }

  function start(field) {
    var box = document.createElement("div");
    box.className = "kcs-suggest-widget";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", S.title);
    box.hidden = true;
    var head = document.createElement("p");
    head.className = "kcs-suggest-widget__title";
    head.textContent = S.title;
    var list = document.createElement("ul");
    list.className = "kcs-suggest-widget__list";
    var status = document.createElement("p");
    status.className = "kcs-suggest-widget__status";
    status.setAttribute("aria-live", "polite");
    // Visually hidden without a style attribute (blocked by a strict style-src).
    status.style.position = "absolute";
    status.style.width = "1px";
    status.style.height = "1px";
    status.style.overflow = "hidden";
    status.style.clipPath = "inset(50%)";
    box.appendChild(head);
    box.appendChild(list);
    field.insertAdjacentElement("afterend", status);
    field.insertAdjacentElement("afterend", box);

    var shown = { q: "", n: 0 };
    var logged = "";
    var serial = 0;
    var typing = null;
    var settling = null;

    function logSuggest() {
      clearTimeout(settling);
      if (!shown.q || shown.q === logged) return;
      logged = shown.q;
      beacon("suggest", [["q", shown.q], ["n", shown.n]]);
    }

    function render(query, items) {
      list.textContent = "";
      items.forEach(function (item, index) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = item.title;
        // WCAG 2.5.8: a target of at least 24 × 24 px, whatever the host's styles.
        a.style.display = "inline-block";
        a.style.minHeight = "24px";
        a.style.minWidth = "24px";
        a.style.padding = "4px 0";
        a.addEventListener("click", function () {
          logSuggest();
          var id = /\/a\/([^/?#]+)/.exec(item.url);
          beacon("suggest-click", [["q", query], ["p", index + 1], ["a", id ? decodeURIComponent(id[1]) : ""]]);
        });
        li.appendChild(a);
        list.appendChild(li);
      });
      box.hidden = items.length === 0;
      status.textContent = items.length ? S.found.replace("{n}", items.length) : "";
      shown = { q: query, n: items.length };
      settling = setTimeout(logSuggest, SETTLE);
    }

    function suggest() {
      var query = tidy(field.value);
      if (query.length < MIN) {
        serial++;
        box.hidden = true;
        return;
      }
      var mine = ++serial;
      pagefind()
        .then(function (pf) {
          return pf.search(query);
        })
        .then(function (found) {
          if (mine !== serial || !found) return null;
          return Promise.all(
            found.results.slice(0, max).map(function (r) {
              return r.data();
            })
          );
        })
        .then(function (data) {
          if (mine !== serial || !data) return;
          render(
            query,
            data.map(function (d) {
              return { url: new URL(d.url, portal).href, title: (d.meta && d.meta.title) || d.url };
            })
          );
        })
        .catch(function () {
          box.hidden = true;
        });
    }

    field.addEventListener("focus", function () {
      pagefind().catch(function () {});
    });
    field.addEventListener("input", function () {
      clearTimeout(typing);
      clearTimeout(settling);
      typing = setTimeout(suggest, PAUSE);
    });
    if (field.form) {
      field.form.addEventListener("submit", function () {
        logSuggest();
        beacon("contact", [["q", shown.q]]);
      });
    }
    window.addEventListener("pagehide", logSuggest);
  }

  function ready() {
    var field = document.querySelector(me.getAttribute("data-kcs-for") || "");
    if (field) start(field);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
