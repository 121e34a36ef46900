/* The portal's browser search: Pagefind underneath, with what Pagefind alone does not do.

   - A query is split into words; the page language's stop words are dropped and every
     other word is searched on its own, so a sentence finds what its content words find
     (Pagefind requires every word of a query in one page). Articles are ranked by the
     sum over the words they match, rarer words counting more: best matches first. An
     article with every content word as typed counts extra, and one containing a query of
     five words or more word for word (a pasted message) comes first.
   - Pagefind falls back to ever shorter prefixes of a word it does not know
     ("parkeringstillstånd" matches "par"). The words a hit matched are checked: a hit on
     a far-fetched prefix is dropped, a longer word that merely starts with the query word
     counts less than the word itself, so a prefix match never outranks a whole word, and
     a query of unknown words answers "no articles" instead of a wrong hit.
   - A word no page has is corrected from the site's word list (kcs-words-<lang>.json):
     words one letter edit away (two from eight letters on), same first letter.
   - Synonym groups of kcs.yml (kcs-search-<lang>.json): a query containing one member
     also searches the others.
   - An error code or other token with a digit that the page's language has no article
     for is looked up in the other languages' indexes; such hits carry their language.
   - An optional domain filter (Pagefind filter "domain").

   search.html's forms submit to /<lang>/?q=...: without JavaScript the home page of the
   language answers (browse by topic, contact); with it, the home page's big search box
   shows every hit, ten per page (&p=2), with the query in the address. */
(function () {
  "use strict";

  var dataNode = document.getElementById("kcs-data");
  var D = dataNode ? JSON.parse(dataNode.textContent) : {};
  var S = D.strings || {};
  var root = new URL(String(D.base || ".").replace(/\/?$/, "/"), location.href);
  var lang = document.documentElement.lang || D.lang || "en";

  var QUERY_MAX = 200; // characters searched at most
  var MAX_TERMS = 8; // distinct words searched one by one at most
  var MAX_TOGETHER = 24; // words of the search for all of them together
  var PHRASE_MIN_WORDS = 5; // a query this long may be a pasted message
  var CHECKED = 6; // hits per word whose matched words are looked at
  var PAGE_SIZE = 10;
  var EXCERPT_WORDS = 22;
  var WEIGHT = { whole: 1, form: 0.9, typo: 0.5, synonym: 0.8, prefix: 0.3 };
  var WORD_EDGE = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

  /* ---------------------------------------------------------------- loading */

  var pagefindPromise = null;

  /** Pagefind's API for the page's language (it picks the index of <html lang>). */
  function pagefind() {
    if (!pagefindPromise) {
      pagefindPromise = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return Promise.resolve(
          pf.options({
            baseUrl: root.pathname,
            excerptLength: EXCERPT_WORDS,
            // Whole words well above longer words that start with them.
            ranking: { termSimilarity: 2.0 },
          }),
        ).then(function () {
          pf.init();
          return pf;
        });
      });
    }
    return pagefindPromise;
  }

  var jsonCache = {};

  function json(name) {
    if (!jsonCache[name]) {
      jsonCache[name] = fetch(new URL("pagefind/" + name, root).href, {
        // The internal site is behind sign-in: its session cookie must go along.
        credentials: "same-origin",
      })
        .then(function (r) {
          return r.ok ? r.json() : {};
        })
        .catch(function () {
          return {};
        });
    }
    return jsonCache[name];
  }

  function settings(code) {
    return json("kcs-search-" + code + ".json");
  }

  var others = null;

  /** A second Pagefind holding every language's index, for codes (loaded when needed). */
  function everyLanguage() {
    if (!others) {
      others = Promise.all([pagefind(), json("pagefind-entry.json")]).then(function (got) {
        var pf = got[0];
        var entry = got[1] || {};
        if (!pf.createInstance) return null;
        var base = new URL("pagefind/", root).pathname;
        var instance = pf.createInstance({ basePath: base, baseUrl: root.pathname });
        // The same bundle under another spelling of its path: Pagefind skips merging a
        // path equal to its primary one, though the language differs.
        var again = base + "../" + base.split("/").filter(Boolean).pop() + "/";
        var langs = Object.keys(entry.languages || {}).filter(function (l) {
          return l !== lang;
        });
        return langs
          .reduce(function (chain, l) {
            return chain.then(function () {
              return instance.mergeIndex(again, { language: l, baseUrl: root.pathname });
            });
          }, Promise.resolve(instance.init()))
          .then(function () {
            return instance;
          });
      });
    }
    return others;
  }

  /* ------------------------------------------------------------------ words */

  function normalise(query) {
    return Array.from(
      String(query || "")
        .replace(/\s+/g, " ")
        .trim(),
    )
      .slice(0, QUERY_MAX)
      .join("");
  }

  function words(text) {
    return String(text)
      .toLowerCase()
      .split(/\s+/)
      .map(function (w) {
        return w.replace(WORD_EDGE, "");
      })
      .filter(function (w) {
        return /[\p{L}\p{N}]/u.test(w);
      });
  }

  /** The query's terms: [{text, weight, kind, code}] ("" query → {empty}; stop words
      only → {stop}). */
  function terms(query, conf) {
    var all = words(query);
    if (!all.length) return { empty: true, list: [] };
    var stop = {};
    (conf.stopwords || D.stopwords || []).forEach(function (w) {
      stop[w] = true;
    });
    var list = [];
    var seen = {};
    function add(text, kind) {
      if (seen[text] || list.length >= MAX_TERMS * 2) return;
      seen[text] = true;
      list.push({ text: text, kind: kind, code: /\d/.test(text) && text.length >= 4 });
    }
    var content = all.filter(function (w) {
      return !stop[w];
    });
    content.forEach(function (w) {
      if (list.length < MAX_TERMS) add(w, "whole");
    });
    if (!list.length) return { stop: true, list: [] };
    // Every content word together as well (Pagefind requires them all): an article
    // that has all of them, such as the one a pasted message comes from, comes first.
    var together = content.slice(0, MAX_TOGETHER).join(" ");
    if (list.length > 1 && !seen[together]) list.push({ text: together, kind: "all", code: false });
    // A pasted message: the whole query, stop words too, checked word for word.
    if (all.length >= PHRASE_MIN_WORDS) {
      list.push({ text: all.slice(0, MAX_TOGETHER).join(" "), kind: "phrase", code: false });
    }
    var padded = " " + all.join(" ") + " ";
    (conf.synonyms || []).forEach(function (group) {
      var hit = group.some(function (member) {
        return padded.indexOf(" " + words(member).join(" ") + " ") >= 0;
      });
      if (!hit) return;
      group.forEach(function (member) {
        add(words(member).join(" "), "synonym");
      });
    });
    return { list: list };
  }

  /** Lower-case letters and digits only, single spaces: for comparing word sequences. */
  function plain(text) {
    return String(text || "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  }

  /** Optimal-string-alignment distance, or budget + 1 when larger. */
  function edits(a, b, budget) {
    if (Math.abs(a.length - b.length) > budget) return budget + 1;
    var prev2 = [];
    var prev = [];
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur.push(v);
        if (v < low) low = v;
      }
      if (low > budget) return budget + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  /** Up to two words of the site's word list a letter or two from `word`, most common first. */
  function corrections(word) {
    if (word.length < 4 || /\d/.test(word)) return Promise.resolve([]);
    return json("kcs-words-" + lang + ".json").then(function (list) {
      var budget = word.length >= 8 ? 2 : 1;
      var out = [];
      var all = (list && list.words) || [];
      for (var i = 0; i < all.length && out.length < 2; i++) {
        var w = all[i];
        if (w[0] === word[0] && w !== word && edits(word, w, budget) <= budget) out.push(w);
      }
      return out;
    });
  }

  /** How well page word `w` matches query word `t`: 1 the word itself, 0.9 another form
      of it, 0.3 a longer word starting with it, 0 a far-fetched prefix. */
  function closeness(t, w) {
    if (w === t) return WEIGHT.whole;
    var shorter = t.length < w.length ? t : w;
    var longer = t.length < w.length ? w : t;
    if (longer.indexOf(shorter) === 0) {
      if (longer.length - shorter.length <= 3 && shorter.length >= 3) return WEIGHT.form;
      if (longer === w) return WEIGHT.prefix; // the page word extends the query word
    }
    // Stemming may change the end of a word (Finnish tulostin/tulostimen).
    var common = 0;
    while (common < shorter.length && t[common] === w[common]) common++;
    if (common >= 5 && common >= Math.min(t.length, w.length) - 3) return WEIGHT.form;
    return 0;
  }

  /* ----------------------------------------------------------------- search */

  /** Pagefind's hits for one term, each with how well it matched:
      {hits: [{result, closeness}], known}. */
  function lookup(pf, term, options) {
    return pf.search(term.text, options).then(function (search) {
      var results = (search && search.results) || [];
      if (!results.length) return { hits: [], known: false };
      var parts = words(term.text);
      // a pasted message is checked word for word in more of its (few) hits
      var checked = results.slice(0, term.kind === "phrase" ? 2 * CHECKED : CHECKED);
      return Promise.all(
        checked.map(function (r) {
          return r.data();
        }),
      ).then(function (datas) {
        var best = 0;
        var lowest = 1;
        var hits = results.map(function (result, i) {
          var close;
          if (i < datas.length) {
            var content = String(datas[i].content || "").split(/\s+/);
            var matched = (result.words || []).map(function (at) {
              return String(content[at] || "")
                .toLowerCase()
                .replace(WORD_EDGE, "");
            });
            close = Math.min.apply(
              null,
              parts.map(function (part) {
                return matched.reduce(function (m, w) {
                  return Math.max(m, closeness(part, w));
                }, 0);
              }),
            );
            if (close > best) best = close;
            if (close > 0 && close < lowest) lowest = close;
          } else {
            close = lowest; // ranked below the ones looked at: no better than they
          }
          return { result: result, closeness: close, data: i < datas.length ? datas[i] : null };
        });
        if (term.kind === "phrase") return { hits: hits, known: true }; // checked word for word
        return { hits: best > 0 ? hits : [], known: best > 0 };
      });
    });
  }

  /** Rank the articles for `query`: {total, hits: [{result, data?, lang?}], reason}. */
  function rank(query, opts) {
    opts = opts || {};
    query = normalise(query);
    return Promise.all([pagefind(), settings(lang)]).then(function (got) {
      var pf = got[0];
      var conf = got[1] || {};
      var parsed = terms(query, conf);
      if (!parsed.list.length) {
        return { total: 0, hits: [], reason: parsed.stop ? "stop" : "empty" };
      }
      var options = opts.domain ? { filters: { domain: opts.domain } } : {};
      var pages = conf.pages || 1000;
      var scores = {};
      var order = [];

      function collect(found, weight) {
        var n = found.hits.length;
        if (!n) return;
        var idf = Math.log(1 + pages / n);
        var top = found.hits[0].result.score || 1;
        // A hit on a longer word that only starts with the query word never outranks a
        // hit on the word itself (or another form of it): its strength stays below theirs.
        var weakestWhole = Infinity;
        found.hits.forEach(function (hit) {
          if (hit.closeness > WEIGHT.prefix) {
            weakestWhole = Math.min(weakestWhole, (hit.closeness * hit.result.score) / top);
          }
        });
        found.hits.forEach(function (hit) {
          if (hit.closeness <= 0) return;
          var strength = (hit.closeness * hit.result.score) / top;
          if (hit.closeness <= WEIGHT.prefix && weakestWhole < Infinity) {
            strength = Math.min(strength, 0.9 * weakestWhole);
          }
          var id = hit.result.id;
          if (!scores[id]) {
            scores[id] = { score: 0, result: hit.result, data: hit.data, lang: hit.lang };
            order.push(id);
          }
          var entry = scores[id];
          if (!entry.data && hit.data) entry.data = hit.data;
          entry.score += weight * idf * strength;
        });
      }

      var unknown = [];
      // All words at once: their index chunks and fragments load side by side.
      var chain = Promise.all(
        parsed.list.map(function (term) {
          return lookup(pf, term, options);
        }),
      ).then(function (founds) {
        founds.forEach(function (found, at) {
          var term = parsed.list[at];
          if (found.known) {
            var weight = term.kind === "synonym" ? WEIGHT.synonym : 1;
            if (term.kind === "phrase") {
              var needle = " " + plain(term.text) + " ";
              weight = 2 * parsed.list.length;
              found.hits = found.hits.filter(function (hit) {
                return hit.data && (" " + plain(hit.data.content) + " ").indexOf(needle) >= 0;
              });
              found.hits.forEach(function (hit) {
                hit.closeness = WEIGHT.whole;
              });
            } else if (term.kind === "all") {
              // only articles with every word as typed: other forms of several words
              // together are as likely another topic (Swedish skriver/skrivaren)
              weight = parsed.list.length;
              found.hits = found.hits.filter(function (hit) {
                return hit.closeness >= WEIGHT.whole;
              });
            }
            collect(found, weight);
          } else if (term.kind === "whole") {
            unknown.push(term);
          }
        });
      });
      chain = chain.then(function () {
        return unknown.reduce(function (next, term) {
          return next.then(function () {
            if (term.code) return codeElsewhere(term, options, collect);
            return corrections(term.text).then(function (fixes) {
              return fixes.reduce(function (step, fix) {
                return step.then(function () {
                  return lookup(pf, { text: fix }, options).then(function (found) {
                    if (found.known) collect(found, WEIGHT.typo);
                  });
                });
              }, Promise.resolve());
            });
          });
        }, Promise.resolve());
      });
      return chain.then(function () {
        var hits = order.map(function (id) {
          return scores[id];
        });
        hits.sort(function (a, b) {
          return b.score - a.score;
        });
        return { total: hits.length, hits: hits, reason: hits.length ? "" : "unknown" };
      });
    });
  }

  /** A code the page's language has no article for, in the other languages. */
  function codeElsewhere(term, options, collect) {
    return everyLanguage()
      .then(function (instance) {
        if (!instance) return null;
        return lookup(instance, term, options).then(function (found) {
          found.hits.forEach(function (hit) {
            hit.lang = hit.data && hit.data.meta ? hit.data.meta.lang : "";
          });
          if (found.known) collect(found, 1);
        });
      })
      .catch(function () {
        return null;
      });
  }

  /** Pagefind's excerpt, but from the article's text alone: the tags and codes that end
      what the build indexed (`tail` words, see kcs/pagefind.py) are there to be found,
      not read. The window with the most matched words; the opening when none is before. */
  function excerpt(d) {
    var tail = parseInt((d.meta && d.meta.tail) || "0", 10) || 0;
    var raw = d.raw_content;
    if (!tail || typeof raw !== "string" || raw.indexOf("\u200B") >= 0) return d.excerpt || "";
    // Split as Pagefind does, so that its word locations point into this list.
    var words = raw.split(/[\r\n\s]+/g);
    while (words.length && words[words.length - 1] === "") words.pop();
    var end = Math.max(0, words.length - tail);
    var score = {};
    (d.weighted_locations || []).forEach(function (l) {
      if (l.location < end) score[l.location] = (score[l.location] || 0) + (l.balanced_score || 1);
    });
    var best = 0;
    var start = 0;
    var sum = 0;
    for (var i = 0; i < end; i++) {
      sum += score[i] || 0;
      if (i >= EXCERPT_WORDS) sum -= score[i - EXCERPT_WORDS] || 0;
      if (sum > best) {
        best = sum;
        start = Math.max(0, i - EXCERPT_WORDS + 1);
      }
    }
    // A few words of context before the window's first match.
    while (start < end && best && !score[start]) start++;
    start = Math.max(0, start - 4);
    var stop = Math.min(start + EXCERPT_WORDS, end);
    var out = [];
    for (var j = start; j < stop; j++) out.push(score[j] ? "<mark>" + words[j] + "</mark>" : words[j]);
    return out.join(" ").trim();
  }

  function item(hit, d) {
    var url = new URL(d.url, location.href); // a merged index may spell its path otherwise
    return {
      url: url.pathname + url.hash,
      title: (d.meta && d.meta.title) || d.url,
      excerpt: excerpt(d),
      lang: (d.meta && d.meta.lang) || hit.lang || lang,
    };
  }

  function load(hits) {
    return Promise.all(
      hits.map(function (hit) {
        return (hit.data ? Promise.resolve(hit.data) : hit.result.data()).then(function (d) {
          hit.data = d;
          return item(hit, d);
        });
      }),
    );
  }

  /** Search; load the data of hits `from`..`from + max` (the first `first` of them before
      the rest): {total, items, more: Promise<items>|null, reason}. */
  function find(query, opts) {
    opts = opts || {};
    var max = opts.max || 10;
    var from = opts.from || 0;
    var first = Math.min(opts.first || max, max);
    return rank(query, opts).then(function (ranked) {
      var window_ = ranked.hits.slice(from, from + max);
      var rest = window_.slice(first);
      return load(window_.slice(0, first)).then(function (items) {
        return {
          total: ranked.total,
          items: items,
          more: rest.length ? load(rest) : null,
          reason: ranked.reason,
        };
      });
    });
  }

  /** The search API the site's boxes use, also for tests and benchmarks:
      kcsSearch.search(query, max) → {total, items: [{url, title, excerpt, lang}]}. */
  function search(query, max) {
    return find(query, { max: max || 10 }).then(function (result) {
      return (result.more || Promise.resolve([])).then(function (more) {
        return { total: result.total, items: result.items.concat(more), reason: result.reason };
      });
    });
  }

  function domains() {
    return pagefind()
      .then(function (pf) {
        return pf.filters();
      })
      .then(function (filters) {
        return Object.keys((filters && filters.domain) || {}).sort();
      })
      .catch(function () {
        return [];
      });
  }

  window.kcsSearch = {
    pagefind: pagefind,
    find: find,
    rank: rank,
    search: search,
    domains: domains,
    normalise: normalise,
    PAGE_SIZE: PAGE_SIZE,
    strings: S,
    lang: lang,
  };
})();
