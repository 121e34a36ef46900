/* The portal's browser code: Pagefind search boxes, the feedback widget, announcement
   expiry and dismissal, contact-form suggestions, the reader's language on the root and
   404 pages, and the usage beacons.

   Every event is one same-origin GET of /_kcs/e?v=1&t=<type>&... that the web server
   answers with 204 and writes to its access log (docs/reference/beacons.md). No cookies
   on the public site (the internal site's beacons carry its sign-in cookie), no other host; nothing is sent when the browser asks for Do Not Track or Global
   Privacy Control. Data from the page comes from <script id="kcs-data"
   type="application/json"> and data- attributes: no inline script, so the
   Content-Security-Policy needs no 'unsafe-inline'. */
(function () {
  "use strict";

  var dataNode = document.getElementById("kcs-data");
  var D = dataNode ? JSON.parse(dataNode.textContent) : {};
  var S = D.strings || {};
  var root = new URL(String(D.base || ".").replace(/\/?$/, "/"), location.href);
  var lang = document.documentElement.lang || D.lang || "en";

  var QUERY_MAX = 200; // characters (code points) of a query kept in a beacon
  var VALUE_MAX = 100; // characters of any other beacon value
  var SETTLE_MS = 1000; // a query counts as "searched" after this long without typing
  var RESULTS_MAX = 10;
  var FIRST_ROWS = 4; // rows shown before the remaining results' data has arrived
  var MIN_TYPED = 3; // characters before searching as the reader types
  var LASTQ_KEY = "kcs.lastq"; // sessionStorage: last searched query of this tab

  /* ------------------------------------------------------------------ beacons */

  var privacy =
    navigator.doNotTrack === "1" ||
    window.doNotTrack === "1" ||
    navigator.msDoNotTrack === "1" ||
    navigator.globalPrivacyControl === true;

  function clip(value, max) {
    return Array.from(String(value)).slice(0, max).join("");
  }

  function normalise(query) {
    return clip(String(query || "").replace(/\s+/g, " ").trim(), QUERY_MAX);
  }

  /** Send one event: type plus [name, value] pairs in the documented order; `l` last. */
  function beacon(type, params) {
    if (privacy) return false;
    var parts = ["v=1", "t=" + encodeURIComponent(type)];
    params.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null) return;
      var value = pair[0] === "q" ? normalise(pair[1]) : clip(pair[1], VALUE_MAX);
      parts.push(pair[0] + "=" + encodeURIComponent(value));
    });
    parts.push("l=" + encodeURIComponent(lang));
    var url = new URL("_kcs/e?" + parts.join("&"), root);
    try {
      fetch(url.href, {
        method: "GET",
        // The internal site is behind sign-in: without its session cookie the web
        // server refuses the beacon and agent use is never counted. The public site
        // sends none, even where the sign-in cookie is scoped to a parent domain.
        credentials: D.internal ? "same-origin" : "omit",
        cache: "no-store",
        keepalive: true, // survives the navigation a click starts
        mode: "same-origin",
      }).catch(function () {});
    } catch (err) {
      /* an old browser without fetch/keepalive: usage data is not worth an error */
    }
    return true;
  }

  function remember(query) {
    try {
      sessionStorage.setItem(LASTQ_KEY, query);
    } catch (err) {
      /* storage blocked */
    }
  }

  function lastQuery() {
    try {
      return sessionStorage.getItem(LASTQ_KEY) || "";
    } catch (err) {
      return "";
    }
  }

  function articleId(url) {
    var match = /\/a\/([^/?#]+)\/?/.exec(url);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* ----------------------------------------------------------------- pagefind */

  /* The search itself (Pagefind, stop words, typos, synonyms, ranking) is kcs-search.js. */
  var engine = window.kcsSearch;

  function pagefind() {
    return engine.pagefind();
  }

  /** {total, items: [{url, title, excerpt, lang}], more: Promise<items>|null, reason} for
      hits `from`.. `from + max`, the first `first` of them before the rest. */
  function find(query, max, first, from, domain) {
    return engine.find(query, { max: max, first: first, from: from || 0, domain: domain });
  }

  /* Words too common to narrow a search. Sent to Pagefind they match nearly every page
     and cost seconds on a large index (each must be scored on every page), so they are
     dropped from what Pagefind is asked when other words remain; beacons keep the
     query as typed. The list is the page language's kcs/data/stopwords file, which the
     build puts into kcs-data. */
  var stopWords = {};
  (D.stopwords || []).forEach(function (w) {
    if (w) stopWords[w] = true;
  });

  /** What to ask Pagefind for `query`: the words that are not stop words ("" when only
      stop words were typed). */
  function searchTerms(query) {
    var words = query.split(" ");
    var kept = words.filter(function (w) {
      return !stopWords[w.toLowerCase()];
    });
    return kept.join(" ");
  }

  /** Run `task(arg)` (a promise) one at a time. While one runs, only the newest argument
      waits and older ones are dropped: a search never queues behind the searches of every
      prefix typed before it (on a large index each costs a few hundred ms). */
  function latestOnly(task) {
    var running = false;
    var waiting = false;
    var next;
    function go(arg) {
      running = true;
      Promise.resolve()
        .then(function () {
          return task(arg);
        })
        .catch(function (err) {
          if (window.console) console.error("kcs: search failed", err);
        })
        .then(function () {
          running = false;
          if (waiting) {
            waiting = false;
            go(next);
          }
        });
    }
    return function (arg) {
      if (running) {
        waiting = true;
        next = arg;
      } else {
        go(arg);
      }
    };
  }

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function contactHref(query) {
    var url = new URL(D.contact || "contact/", location.href);
    return url.pathname + (query ? "#q=" + encodeURIComponent(query) : "");
  }

  /* ------------------------------------------------------------ search boxes */

  var langNames = {};

  /** The name of language `code` in the page's language ("" when the page's own). */
  function languageName(code) {
    if (!code || code === lang) return "";
    if (!langNames[code]) {
      try {
        langNames[code] = new Intl.DisplayNames([lang], { type: "language" }).of(code);
      } catch (err) {
        langNames[code] = code;
      }
    }
    return langNames[code];
  }

  /** A search box. The home page's big one is the results page: the query lives in the
      address (?q=, &p= page, &d= domain), every hit is reachable ten at a time, and a
      domain filter narrows them. The header box shows the first hits as the reader types
      and sends Enter to that results page (the form's action). */
  function SearchBox(form) {
    var input = form.querySelector("input[type=search]");
    var output = form.querySelector("[data-kcs-results]");
    var status = form.querySelector(".kcs-search__status");
    var big = form.classList.contains("kcs-search--big");
    var shown = { query: "", total: 0 }; // what the result list shows now
    var logged = ""; // the last query a `search` beacon was sent for
    var settleTimer = null;
    var serial = 0;
    var pageNo = 1;
    var domain = "";
    var domainSelect = null;

    function logSearch() {
      clearTimeout(settleTimer);
      if (!shown.query || shown.query === logged) return;
      logged = shown.query;
      remember(shown.query);
      beacon("search", [["q", shown.query], ["n", shown.total]]);
    }

    function address(query) {
      if (!big || !window.history || !history.replaceState) return;
      var url = new URL(location.href);
      url.search = "";
      if (query) url.searchParams.set("q", query);
      if (query && pageNo > 1) url.searchParams.set("p", String(pageNo));
      if (query && domain) url.searchParams.set("d", domain);
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }

    function contactLine(query) {
      var p = text("p", "kcs-results__contact");
      var link = text("a", "kcs-noresult__contact", S["search.contact"] || "Contact");
      link.href = contactHref(query);
      link.addEventListener("click", function () {
        logSearch();
      });
      p.appendChild(link);
      return p;
    }

    function render(query, result) {
      output.textContent = "";
      shown = { query: query, total: result.total };
      form.setAttribute("data-kcs-shown", query); // which query the rows belong to
      form.classList.add("kcs-search--open");
      output.hidden = false;
      address(query);
      if (!result.total) {
        var none = text("div", "kcs-noresult");
        var p = text("p", "", (S["search.none"] || "No articles found for") + " ");
        p.appendChild(text("q", "", query));
        none.appendChild(p);
        none.appendChild(contactLine(query));
        output.appendChild(none);
        status.textContent = (S["search.none"] || "") + " " + query;
        return;
      }
      status.textContent =
        result.total === 1 ? S["search.one"] || "1" : (S["search.many"] || "{n}").replace("{n}", result.total);
      var offset = big ? (pageNo - 1) * engine.PAGE_SIZE : 0;
      var list = text("ol", "kcs-results");
      if (offset) list.setAttribute("start", String(offset + 1));
      rows(list, query, result.items, offset);
      output.appendChild(list);
      if (result.more) {
        result.more.then(function (items) {
          if (shown.query === query && list.isConnected) {
            rows(list, query, items, offset + result.items.length);
          }
        });
      }
      var pages = Math.ceil(result.total / engine.PAGE_SIZE);
      if (big && pages > 1) {
        output.appendChild(pager(query, pages));
      } else if (!big && result.total > RESULTS_MAX) {
        var all = text("p", "kcs-results__all");
        var more = text("a", "", (S["search.all"] || "Show all {n}").replace("{n}", result.total));
        var target = new URL(form.getAttribute("action") || ".", location.href);
        target.searchParams.set("q", query);
        more.href = target.pathname + target.search;
        all.appendChild(more);
        output.appendChild(all);
      }
      output.appendChild(contactLine(query));
    }

    function pager(query, pages) {
      var nav = text("nav", "kcs-pager");
      nav.setAttribute("aria-label", S["search.pages"] || "Result pages");
      function button(label, to, cls) {
        var b = text("button", "kcs-pager__" + cls, label);
        b.type = "button";
        b.disabled = to < 1 || to > pages;
        b.addEventListener("click", function () {
          pageNo = to;
          search(query);
          input.focus();
        });
        return b;
      }
      nav.appendChild(button(S["search.prev"] || "Previous", pageNo - 1, "prev"));
      nav.appendChild(
        text(
          "span",
          "kcs-pager__at",
          (S["search.page"] || "Page {n} of {m}").replace("{n}", pageNo).replace("{m}", pages)
        )
      );
      nav.appendChild(button(S["search.next"] || "Next", pageNo + 1, "next"));
      return nav;
    }

    function rows(list, query, items, offset) {
      items.forEach(function (item, i) {
        var index = offset + i;
        var li = text("li", "kcs-result");
        var a = text("a", "kcs-result__link");
        a.href = item.url;
        a.setAttribute("data-kcs-pos", String(index + 1));
        a.appendChild(text("span", "kcs-result__title", item.title));
        var other = languageName(item.lang);
        if (other) {
          var tag = text("span", "kcs-result__lang", other);
          tag.setAttribute("lang", lang);
          a.setAttribute("hreflang", item.lang);
          a.appendChild(tag);
        }
        var excerpt = text("span", "kcs-result__excerpt");
        // Pagefind's excerpt is escaped page text with <mark> around the matched terms.
        excerpt.innerHTML = item.excerpt;
        if (other) excerpt.setAttribute("lang", item.lang);
        a.appendChild(excerpt);
        a.addEventListener("click", function () {
          logSearch();
          beacon("click", [["q", query], ["p", index + 1], ["a", articleId(item.url)]]);
        });
        li.appendChild(a);
        list.appendChild(li);
      });
    }

    function close() {
      output.hidden = true;
      form.classList.remove("kcs-search--open");
    }

    var search = latestOnly(function (query) {
      var mine = ++serial;
      form.setAttribute("aria-busy", "true");
      var size = big ? engine.PAGE_SIZE : RESULTS_MAX;
      var from = big ? (pageNo - 1) * size : 0;
      return find(query, size, FIRST_ROWS, from, domain).then(function (result) {
        form.removeAttribute("aria-busy");
        if (mine !== serial || !result) return;
        var last = Math.max(1, Math.ceil(result.total / size));
        if (big && pageNo > last) {
          // An address with a page past the end (?p=999) shows the last page.
          pageNo = last;
          search(query);
          return;
        }
        render(query, result);
        settleTimer = setTimeout(logSearch, SETTLE_MS);
      });
    });

    /* As the reader types, search from MIN_TYPED characters on and not while only stop
       words were typed: a prefix such as "th" matches thousands of words on a large
       index. Enter searches any query. */
    function run(event, explicit) {
      var query = input.value.replace(/\s+/g, " ").trim();
      clearTimeout(settleTimer);
      if (event && event.type === "input") pageNo = 1;
      if (!explicit && (query.length < MIN_TYPED || searchTerms(query).length < MIN_TYPED)) {
        if (query.length < MIN_TYPED) {
          serial++;
          close();
          status.textContent = "";
          shown = { query: "", total: 0 };
          address("");
        }
        return;
      }
      if (query.length < 1) {
        serial++; // a search still running must not show its rows now
        close();
        status.textContent = "";
        shown = { query: "", total: 0 };
        address("");
        return;
      }
      search(query);
    }

    function domainFilter() {
      engine.domains().then(function (names) {
        if (names.length < 2) return;
        var wrap = text("p", "kcs-search__filter");
        var id = input.id + "-domain";
        var label = text("label", "", S["search.domain"] || "Topic");
        label.setAttribute("for", id);
        domainSelect = text("select");
        domainSelect.id = id;
        domainSelect.name = "d";
        var any = text("option", "", S["search.all_domains"] || "All topics");
        any.value = "";
        domainSelect.appendChild(any);
        names.forEach(function (name) {
          var option = text("option", "", name);
          option.value = name;
          domainSelect.appendChild(option);
        });
        domainSelect.value = names.indexOf(domain) >= 0 ? domain : "";
        domainSelect.addEventListener("change", function () {
          domain = domainSelect.value;
          pageNo = 1;
          if (input.value.trim()) run(null, true);
        });
        wrap.appendChild(label);
        wrap.appendChild(domainSelect);
        form.insertBefore(wrap, status);
      });
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () {
      pagefind(); // start loading while the reader types
      if (input.value && output.childNodes.length) {
        output.hidden = false;
        form.classList.add("kcs-search--open");
      }
    });
    form.addEventListener("submit", function (event) {
      var query = input.value.replace(/\s+/g, " ").trim();
      if (!big) {
        logSearch(); // the results page (the form's action) takes over
        return;
      }
      event.preventDefault();
      if (shown.query && shown.query === query) {
        logSearch();
        var first = output.querySelector("a");
        if (first) first.focus();
      } else {
        pageNo = 1;
        run(event, true);
      }
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        close();
        input.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var links = Array.prototype.slice.call(output.querySelectorAll("a"));
        if (!links.length || output.hidden) return;
        var at = links.indexOf(document.activeElement);
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) {
          input.focus();
        } else {
          links[Math.min(next, links.length - 1)].focus();
        }
        event.preventDefault();
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target) && !big) close();
    });
    // A query typed but never settled still counts when the reader leaves.
    window.addEventListener("pagehide", logSearch);

    if (big) {
      // The results page: start from the query in the address.
      var params = new URLSearchParams(location.search);
      domain = params.get("d") || "";
      pageNo = Math.max(1, parseInt(params.get("p") || "1", 10) || 1);
      domainFilter();
      var start = engine.normalise(params.get("q") || "");
      if (start) {
        input.value = start;
        search(start);
      }
    }
  }

  /* ----------------------------------------------------------------- feedback */

  function Feedback(section) {
    var id = section.getAttribute("data-kcs-feedback");
    var pendingNo = false;

    function step(name) {
      Array.prototype.forEach.call(section.querySelectorAll("[data-kcs-step]"), function (node) {
        var current = node.getAttribute("data-kcs-step");
        node.hidden = !(current === name || (name === "contact" && current === "thanks"));
      });
    }

    section.querySelector("[data-kcs-helpful=yes]").addEventListener("click", function () {
      beacon("feedback", [["a", id], ["h", "yes"]]);
      step("thanks");
      section.querySelector("[data-kcs-step=thanks]").focus();
    });
    section.querySelector("[data-kcs-helpful=no]").addEventListener("click", function () {
      pendingNo = true; // sent with the reason, or without one when the reader leaves
      step("why");
      var first = section.querySelector("[data-kcs-reason]");
      if (first) first.focus();
    });
    Array.prototype.forEach.call(section.querySelectorAll("[data-kcs-reason]"), function (button) {
      button.addEventListener("click", function () {
        pendingNo = false;
        beacon("feedback", [["a", id], ["h", "no"], ["r", button.getAttribute("data-kcs-reason")]]);
        step("contact");
        var link = section.querySelector("[data-kcs-step=contact] a");
        if (link) link.focus();
      });
    });
    // "Report a problem" (public site) opens the same reasons: one way to say what is wrong.
    Array.prototype.forEach.call(document.querySelectorAll("[data-kcs-report]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        pendingNo = true;
        step("why");
        section.scrollIntoView({ block: "center" });
        var first = section.querySelector("[data-kcs-reason]");
        if (first) first.focus();
      });
    });
    window.addEventListener("pagehide", function () {
      if (pendingNo) {
        pendingNo = false;
        beacon("feedback", [["a", id], ["h", "no"]]);
      }
    });
  }

  /* ------------------------------------------------------------ announcements */

  var SEEN_KEY = "kcs.seen"; // sessionStorage: announcements already reported this session

  function seenBefore(id) {
    try {
      var seen = JSON.parse(sessionStorage.getItem(SEEN_KEY) || "[]");
      if (seen.indexOf(id) >= 0) return true;
      seen.push(id);
      sessionStorage.setItem(SEEN_KEY, JSON.stringify(seen.slice(-50)));
    } catch (err) {
      /* storage blocked: report every view */
    }
    return false;
  }

  /* A reader may dismiss a banner announcement. localStorage (no cookie, never sent)
     remembers the severity it had: it comes back when it turns more severe, and a new
     announcement is not dismissed at all. */
  var DISMISSED_KEY = "kcs.dismissed";
  var SEVERITY_RANK = { info: 0, warning: 1, critical: 2 };

  function dismissed() {
    try {
      var value = JSON.parse(localStorage.getItem(DISMISSED_KEY) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (err) {
      return {};
    }
  }

  function isDismissed(item) {
    var was = dismissed()[item.getAttribute("data-kcs-ann")];
    if (was === undefined) return false;
    var now = SEVERITY_RANK[item.getAttribute("data-kcs-severity")] || 0;
    return (SEVERITY_RANK[was] || 0) >= now;
  }

  function dismiss(item) {
    var all = dismissed();
    all[item.getAttribute("data-kcs-ann")] = item.getAttribute("data-kcs-severity") || "info";
    var ids = Object.keys(all);
    if (ids.length > 50) delete all[ids[0]]; // oldest first: ended ones leave in time
    try {
      localStorage.setItem(DISMISSED_KEY, JSON.stringify(all));
    } catch (err) {
      /* storage blocked: dismissed for this page only */
    }
  }

  /** Show an announcement only between its starts and ends (the page may be older), and
      a banner one only while not dismissed; an announcement article's badge says
      "ended" once its end has passed. */
  function announcements() {
    var now = Date.now();
    var reported = {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-kcs-banner]"), function (box) {
      var visible = 0;
      Array.prototype.forEach.call(box.querySelectorAll("[data-kcs-ann]"), function (item) {
        var starts = Date.parse(item.getAttribute("data-kcs-starts") || "");
        var ends = Date.parse(item.getAttribute("data-kcs-ends") || "");
        var active = !(starts > now) && !(ends <= now);
        var button = item.querySelector("[data-kcs-dismiss]");
        item.hidden = !active || (button !== null && isDismissed(item));
        if (item.hidden) return;
        visible += 1;
        var id = item.getAttribute("data-kcs-ann");
        if (!reported[id] && !seenBefore(id)) beacon("announcement", [["a", id]]);
        reported[id] = true;
      });
      box.hidden = visible === 0;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-kcs-ann-badge]"), function (badge) {
      var ends = Date.parse(badge.getAttribute("data-kcs-ends") || "");
      var over = ends <= now;
      badge.hidden = over;
      var ended = badge.parentNode.querySelector("[data-kcs-ann-ended]");
      if (ended) ended.hidden = !over;
    });
  }

  function dismissButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kcs-dismiss]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var item = button.closest("[data-kcs-ann]");
        var box = button.closest("[data-kcs-banner]");
        dismiss(item);
        announcements();
        // Focus would be lost with the hidden button: hand it to the main content.
        if (!box || box.hidden || item.hidden) {
          var main = document.getElementById("kcs-main");
          if (main) main.focus();
        }
      });
    });
  }

  /* -------------------------------------------------------------- contact form */

  function ContactForm(form) {
    var subject = form.querySelector("[name=subject]");
    var box = form.querySelector("[data-kcs-suggest]");
    var list = box.querySelector("ol");
    var max = parseInt(box.getAttribute("data-kcs-suggest"), 10) || 5;
    var shown = { query: "", n: 0 };
    var logged = "";
    var timer = null;
    var settleTimer = null;
    var serial = 0;

    function logSuggest() {
      clearTimeout(settleTimer);
      if (!shown.query || shown.query === logged) return;
      logged = shown.query;
      beacon("suggest", [["q", shown.query], ["n", shown.n]]);
    }

    var lookup = latestOnly(function (query) {
      var mine = ++serial;
      return find(query, max).then(function (result) {
        if (mine !== serial || !result) return;
        list.textContent = "";
        shown = { query: query, n: result.items.length };
        result.items.forEach(function (item, index) {
          var li = text("li");
          var a = text("a", "", item.title);
          a.href = item.url;
          a.addEventListener("click", function () {
            logSuggest();
            beacon("suggest-click", [["q", query], ["p", index + 1], ["a", articleId(item.url)]]);
          });
          li.appendChild(a);
          list.appendChild(li);
        });
        box.hidden = result.items.length === 0;
        settleTimer = setTimeout(logSuggest, SETTLE_MS);
      });
    });

    function suggest() {
      var query = subject.value.replace(/\s+/g, " ").trim();
      clearTimeout(settleTimer);
      if (query.length < MIN_TYPED || searchTerms(query).length < MIN_TYPED) {
        if (query.length < MIN_TYPED) {
          serial++;
          box.hidden = true;
        }
        return;
      }
      lookup(query);
    }

    subject.addEventListener("focus", function () {
      pagefind();
    });
    subject.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
    form.addEventListener("submit", function (event) {
      logSuggest();
      beacon("contact", [["q", lastQuery()]]);
      handOff(form, event);
    });
    window.addEventListener("pagehide", logSuggest);

    // Arriving from a search without result: start from what was searched.
    var match = /[#&]q=([^&]*)/.exec(location.hash);
    if (match && !subject.value) {
      var query = normalise(decodeURIComponent(match[1]));
      subject.value = query;
      remember(query);
      suggest();
    }
  }

  /* ---------------------------------------------------------------- languages */

  /** The first of the reader's browser languages the site has, else "". */
  function preferredLanguage() {
    var have = D.languages || [];
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split("-")[0];
      if (have.indexOf(code) >= 0) return code;
    }
    return "";
  }

  /** The root page: go to the home page in the reader's language, else the default's. */
  function chooseHome() {
    var code = preferredLanguage() || D.default_language || D.lang;
    var link = document.querySelector("a[hreflang='" + code + "']");
    location.replace(link ? link.href : new URL(code + "/", root).href);
  }

  /** The 404 page: show its text in the language of the address (/fi/...), else the
      reader's. */
  function notFound() {
    var blocks = document.querySelectorAll("[data-kcs-notfound]");
    if (!blocks.length) return;
    var path = location.pathname.slice(root.pathname.length).split("/")[0];
    var code = (D.languages || []).indexOf(path) >= 0 ? path : preferredLanguage();
    var chosen = document.querySelector("[data-kcs-notfound='" + code + "']");
    if (!chosen) return;
    Array.prototype.forEach.call(blocks, function (block) {
      block.hidden = block !== chosen;
    });
    // The header, banner and footer stay in the site's default language: say so.
    Array.prototype.forEach.call(document.querySelectorAll(".md-header, .md-banner, .md-footer"), function (part) {
      part.setAttribute("lang", D.lang);
    });
    document.documentElement.lang = code;
    document.title = chosen.getAttribute("data-kcs-title") + " - " + document.title.split(" - ").pop();
  }

  /** A ticket system's new-ticket address (kcs.yml contact.form_target) with its
      placeholders filled from the form, URL-encoded; the contact beacon went first. */
  function handOff(form, event) {
    var template = form.getAttribute("data-kcs-handoff");
    if (!template) return;
    event.preventDefault();
    var field = function (name) {
      var node = form.querySelector("[name=" + name + "]");
      return node ? node.value.trim() : "";
    };
    var values = { subject: field("subject"), body: field("body"), lang: lang };
    values.text = values.body ? values.subject + "\n\n" + values.body : values.subject;
    location.assign(
      template.replace(/\{(text|subject|body|lang)\}/g, function (all, name) {
        return encodeURIComponent(values[name]);
      })
    );
  }

  function start() {
    if (D.kind === "redirect") return chooseHome();
    notFound();
    Array.prototype.forEach.call(document.querySelectorAll("[data-kcs-search]"), SearchBox);
    Array.prototype.forEach.call(document.querySelectorAll("[data-kcs-feedback]"), Feedback);
    Array.prototype.forEach.call(document.querySelectorAll("[data-kcs-contact]"), ContactForm);
    announcements();
    dismissButtons();
    // Where searching is what the page is for (home, contact), start Pagefind (its
    // script, WebAssembly and the language's index metadata, ~100 KB) once the page is
    // idle, so the first query only waits for its own index chunk. Elsewhere Pagefind
    // loads when a search box gets focus.
    if (document.querySelector(".kcs-search--big, [data-kcs-contact]")) {
      (window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); })(function () {
        pagefind().catch(function () {});
      });
    }
    // A page left open past an announcement's end hides it without a reload.
    setInterval(announcements, 60000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  window.kcs = { beacon: beacon, pagefind: pagefind, search: engine.search };
})();
