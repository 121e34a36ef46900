/* Material for MkDocs' inline helpers (partials/javascripts/base.html), moved into a file
   so the Content-Security-Policy needs no 'unsafe-inline'. Same behaviour: the bundle
   reads __md_scope, __md_hash, __md_get and __md_set. */
/* eslint-disable no-var */
var __md_scope = new URL(
    (document.currentScript && document.currentScript.getAttribute("data-md-scope")) || ".",
    location
  ),
  __md_hash = function (e) {
    return [].concat(Array.from(e)).reduce(function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0);
  },
  __md_get = function (e, s, t) {
    s = s || localStorage; t = t || __md_scope;
    return JSON.parse(s.getItem(t.pathname + "." + e));
  },
  __md_set = function (e, v, s, t) {
    s = s || localStorage; t = t || __md_scope;
    try { s.setItem(t.pathname + "." + e, JSON.stringify(v)); } catch (err) { /* storage full or blocked */ }
  };
