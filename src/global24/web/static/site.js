/* Global24: a little plain JavaScript on top of server-rendered pages.
   Everything works without it; it adds the gallery, citation popover placement,
   live relative times, front-page refresh, the theme switch, and takes pictures
   that fail to load out of the page. */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;

  /* --- colour theme: automatic -> light -> dark --- */
  function setupTheme() {
    var btn = doc.querySelector("[data-theme-toggle]");
    if (!btn) return;
    var order = ["auto", "light", "dark"];
    function current() { return root.getAttribute("data-theme") || "auto"; }
    function show() {
      var t = current();
      btn.setAttribute("aria-label", "Colour theme: " + (t === "auto" ? "automatic" : t) + ". Switch theme");
      btn.setAttribute("data-mode", t);
    }
    btn.hidden = false;
    show();
    btn.addEventListener("click", function () {
      var next = order[(order.indexOf(current()) + 1) % order.length];
      if (next === "auto") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", next);
      try { localStorage.setItem("g24-theme", next); } catch (e) { /* ignore */ }
      show();
    });
  }

  /* --- gallery: one image at a time, "n / N", buttons and arrow keys --- */
  function setupGallery(g) {
    var count = g.querySelector("[data-count]");
    var nav = g.querySelector(".gallery-nav");
    var i = 0;
    function slides() { return g.querySelectorAll(".slide:not([data-broken])"); }
    function go(to) {
      var all = slides();
      if (!all.length) { g.hidden = true; return; }
      i = (to + all.length) % all.length;
      g.querySelectorAll(".slide").forEach(function (s) { s.setAttribute("data-off", ""); });
      all[i].removeAttribute("data-off");
      if (count) count.textContent = (i + 1) + " / " + all.length;
      if (nav) nav.hidden = all.length < 2;
    }
    /* a picture its source has taken down leaves the gallery, not an empty frame */
    g.addEventListener("g24-broken", function () { go(Math.min(i, slides().length - 1)); });
    g.querySelectorAll("[data-step]").forEach(function (b) {
      b.addEventListener("click", function () { go(i + parseInt(b.getAttribute("data-step"), 10)); });
    });
    g.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowRight") { go(i + 1); ev.preventDefault(); }
      if (ev.key === "ArrowLeft") { go(i - 1); ev.preventDefault(); }
    });
  }

  /* --- pictures that fail to load: a card goes text-only, a slide leaves its gallery --- */
  function dropBroken(img) {
    var card = img.closest(".card-img");
    if (card) { card.hidden = true; return; }
    var slide = img.closest(".slide");
    if (slide && !slide.hasAttribute("data-broken")) {
      slide.setAttribute("data-broken", "");
      var g = slide.closest("[data-gallery]");
      if (g) g.dispatchEvent(new CustomEvent("g24-broken"));
    }
  }
  function setupBrokenImages() {
    /* error events do not bubble: listen in the capture phase, and check what failed before */
    doc.addEventListener("error", function (ev) {
      if (ev.target && ev.target.tagName === "IMG") dropBroken(ev.target);
    }, true);
    doc.querySelectorAll("img").forEach(function (img) {
      /* finished with no size: broken, or a picture with no intrinsic size; decoding tells */
      if (img.complete && img.naturalWidth === 0 && img.getAttribute("src") && img.decode) {
        img.decode().catch(function () { dropBroken(img); });
      }
    });
  }

  /* --- citation popovers: place next to the marker on wide screens, focus inside --- */
  function setupCitations() {
    var pops = doc.querySelectorAll(".quote-pop[popover]");
    pops.forEach(function (pop) {
      pop.setAttribute("tabindex", "-1");
      pop.addEventListener("toggle", function (ev) {
        if (ev.newState !== "open") return;
        var inv = doc.querySelector('[popovertarget="' + pop.id + '"].cite:focus, [popovertarget="' + pop.id + '"].cite:hover')
          || pop._invoker;
        place(pop, inv);
        pop.focus({ preventScroll: true });
      });
    });
    doc.querySelectorAll("button.cite[popovertarget]").forEach(function (b) {
      b.addEventListener("click", function () {
        var pop = doc.getElementById(b.getAttribute("popovertarget"));
        if (pop) pop._invoker = b;
      });
    });
    doc.querySelectorAll("[data-close]").forEach(function (a) {
      a.addEventListener("click", function () {
        var pop = doc.getElementById(a.getAttribute("data-close"));
        if (pop && pop.hidePopover) pop.hidePopover();
      });
    });
  }

  function place(pop, inv) {
    pop.classList.remove("anchored");
    if (!inv || window.innerWidth < 720) return;
    var r = inv.getBoundingClientRect();
    var w = pop.offsetWidth, h = pop.offsetHeight;
    var left = Math.min(Math.max(12, r.left + r.width / 2 - w / 2), window.innerWidth - w - 12);
    var top = r.bottom + 8;
    if (top + h > window.innerHeight - 12) top = Math.max(12, r.top - h - 8);
    pop.classList.add("anchored");
    pop.style.setProperty("--pop-left", left + "px");
    pop.style.setProperty("--pop-top", top + "px");
  }

  /* --- "updated 5 minutes ago" stays true while the page is open --- */
  /* The desk's clock, not the reader's, when they disagree by more than a few minutes
     (a device set to the wrong day; the demo, which runs at the time of its corpus). */
  var skew = Date.parse(root.getAttribute("data-now") || "") - Date.now();
  if (isNaN(skew) || Math.abs(skew) < 600000) skew = 0;
  function ago(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) return null;
    var s = (Date.now() + skew - t) / 1000;
    if (s < 60) return "just now";
    var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var k = 0; k < units.length; k++) {
      if (s >= units[k][1]) {
        var n = Math.floor(s / units[k][1]);
        return n + " " + units[k][0] + (n === 1 ? "" : "s") + " ago";
      }
    }
    return "just now";
  }
  function refreshTimes(scope) {
    (scope || doc).querySelectorAll("time[data-ago]").forEach(function (el) {
      var text = ago(el.getAttribute("datetime"));
      if (!text) return;
      var prefix = el.getAttribute("data-ago");
      el.textContent = prefix ? prefix + " " + text : text;
    });
  }

  /* --- live pages: poll the small version endpoint, swap the list when it changes --- */
  function setupLive() {
    var region = doc.querySelector("[data-live]");
    if (!region || !window.fetch) return;
    var status = doc.createElement("p");
    status.className = "vh";
    status.setAttribute("role", "status");
    region.parentNode.insertBefore(status, region);
    var version = null;
    var failures = 0;
    function poll() {
      if (doc.hidden) return schedule();
      fetch("/api/version", { cache: "no-store" }).then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      }).then(function (data) {
        failures = 0;
        if (version !== null && data.version !== version) return swap().then(function () { version = data.version; });
        version = data.version;
      }).catch(function () { failures++; }).then(schedule);
    }
    function swap() {
      if (region.contains(doc.activeElement) && doc.activeElement !== region) return Promise.resolve();
      return fetch(location.pathname + location.search, { cache: "no-cache" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (!fresh) return;
        region.replaceChildren.apply(region, Array.prototype.slice.call(fresh.childNodes).map(function (n) {
          return doc.importNode(n, true);
        }));
        refreshTimes(region);
        status.textContent = "The page was updated with the latest stories.";
      });
    }
    function schedule() {
      if (failures > 5) return; /* a static copy has no version endpoint: stop asking */
      setTimeout(poll, 15000);
    }
    poll();
  }

  function init() {
    setupTheme();
    doc.querySelectorAll("[data-gallery]").forEach(setupGallery);
    setupBrokenImages();
    setupCitations();
    refreshTimes();
    setInterval(refreshTimes, 30000);
    setupLive();
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();
