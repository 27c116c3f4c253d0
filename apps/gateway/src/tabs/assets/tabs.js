/*
 * KAM embedded tabs, shared core (no build step, no dependencies). Exposes window.KAM.
 * The token comes from the CRM by postMessage ({ type: 'kam:token', token }) from a configured origin, or from a
 * `#token=` fragment (never sent to the server: fragments stay in the browser); it is kept in sessionStorage for
 * this tab only and sent to the API in the Authorization header.
 */
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('kam-config').textContent);
  const messages = config.messages;
  const TOKEN_KEY = 'kam.token';
  const statusEl = document.getElementById('kam-status');
  const appEl = document.getElementById('kam-app');
  const apiBase = new URL('../api/v1/', location.href);

  function t(key, vars) {
    let s = messages[key] ?? key;
    if (vars) for (const k of Object.keys(vars)) s = s.split(`{${k}}`).join(String(vars[k]));
    return s;
  }

  /** h('div', { class: 'x', onclick: fn }, child, 'text', [more]) — text is always text, never HTML. */
  function h(tag, attrs, ...children) {
    const svg = tag.startsWith('svg:');
    const el = svg
      ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
      : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    const add = (c) => {
      if (c === undefined || c === null || c === false) return;
      if (Array.isArray(c)) c.forEach(add);
      else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    };
    children.forEach(add);
    return el;
  }

  // ---------------------------------------------------------------- token
  let token = null;
  function readFragmentToken() {
    if (!location.hash) return null;
    const params = new URLSearchParams(location.hash.slice(1));
    const v = params.get('token');
    if (!v) return null;
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    return v;
  }
  function storeToken(v) {
    token = v;
    try {
      sessionStorage.setItem(TOKEN_KEY, v);
    } catch {
      /* storage may be blocked in a third-party frame: keep it in memory */
    }
  }
  function loadToken() {
    const fromFragment = readFragmentToken();
    if (fromFragment) storeToken(fromFragment);
    else {
      try {
        token = sessionStorage.getItem(TOKEN_KEY);
      } catch {
        token = null;
      }
    }
  }
  function clearToken() {
    token = null;
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      /* ignore */
    }
  }
  /** The parent CRM's origin, when it is one of the configured origins. */
  function parentOrigin() {
    if (window.parent === window) return null;
    const candidates = [];
    if (location.ancestorOrigins && location.ancestorOrigins.length)
      candidates.push(location.ancestorOrigins[0]);
    if (document.referrer) {
      try {
        candidates.push(new URL(document.referrer).origin);
      } catch {
        /* ignore */
      }
    }
    return candidates.find((o) => config.origins.includes(o)) || null;
  }
  function claims() {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const json = decodeURIComponent(
        Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
      );
      const c = JSON.parse(json);
      return { memberId: c.sub, roles: Array.isArray(c.roles) ? c.roles : [], workspaceId: c.workspaceId };
    } catch {
      return { memberId: null, roles: [], workspaceId: null };
    }
  }

  /**
   * What a member's roles may do, as DESIGN §4 says: only to leave out what the API would refuse anyway (no
   * request the browser would report as a failed load). The API decides, record by record.
   */
  const MAY = {
    readService: [
      'director',
      'deputy_director',
      'group_leader',
      'account_manager',
      'assistant_account_manager',
      'customer_service',
      'clerk',
      'executive',
    ],
    writeService: [
      'director',
      'deputy_director',
      'group_leader',
      'account_manager',
      'assistant_account_manager',
      'customer_service',
    ],
    readContacts: [
      'director',
      'deputy_director',
      'group_leader',
      'account_manager',
      'assistant_account_manager',
      'customer_service',
      'market_researcher',
      'clerk',
      'executive',
    ],
    readOrg: [
      'director',
      'deputy_director',
      'group_leader',
      'account_manager',
      'assistant_account_manager',
      'customer_service',
      'market_researcher',
      'clerk',
      'executive',
      'admin',
    ],
  };
  function may(what) {
    const roles = claims().roles;
    return roles.some((r) => MAY[what].includes(r));
  }

  // ---------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, detail, code) {
      super(detail);
      this.status = status;
      this.code = code;
    }
  }
  async function api(path, { method = 'GET', query, body, form, raw, headers } = {}) {
    const url = new URL(path.replace(/^\//, ''), apiBase);
    for (const [k, v] of Object.entries(query || {}))
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
    const init = {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Accept-Language': config.lang, ...headers },
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    } else if (form) init.body = form;
    let res;
    try {
      res = await fetch(url, init);
    } catch {
      throw new ApiError(0, t('error.offline'), 'offline');
    }
    if (res.status === 401) {
      clearToken();
      showSignIn(t('signin.expired'));
      throw new ApiError(401, t('signin.expired'), 'unauthorized');
    }
    if (!res.ok) {
      let detail = res.statusText;
      let code;
      try {
        const p = await res.json();
        detail = p.detail || p.title || detail;
        code = p.code;
      } catch {
        /* not a problem document */
      }
      throw new ApiError(res.status, detail, code);
    }
    if (raw) return res;
    if (res.status === 204) return null;
    return res.json();
  }

  // ---------------------------------------------------------------- formatting
  const locale = config.lang === 'en' ? 'en-GB' : 'zh-CN';
  const fmt = {
    date(iso) {
      if (!iso) return '';
      const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
      return d.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
    },
    dateTime(iso) {
      if (!iso) return '';
      return new Date(iso).toLocaleString(locale, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
    },
    money(minor, currency = 'CNY') {
      if (minor === null || minor === undefined) return '';
      return (Number(minor) / 100).toLocaleString(locale, {
        style: 'currency',
        currency,
        maximumFractionDigits: 2,
      });
    },
    duration(ms) {
      const m = Math.max(0, Math.round(ms / 60000));
      const d = Math.floor(m / 1440);
      const hrs = Math.floor((m % 1440) / 60);
      const min = m % 60;
      const en = config.lang === 'en';
      if (d) return en ? `${d} d ${hrs} h` : `${d} 天 ${hrs} 小时`;
      if (hrs) return en ? `${hrs} h ${min} min` : `${hrs} 小时 ${min} 分`;
      return en ? `${min} min` : `${min} 分`;
    },
  };

  /** A live SLA clock: time left (or over) until `due`; `done` stops it. */
  function clock(due, done) {
    const el = h('span', { class: 'badge clock', dataset: { due: due } });
    const tick = () => {
      if (done) {
        el.className = 'badge clock good';
        el.textContent = t('clock.met');
        return;
      }
      const left = new Date(due).getTime() - Date.now();
      el.className = `badge clock ${left < 0 ? 'bad' : left < 2 * 3600000 ? 'warn' : 'good'}`;
      el.textContent =
        left < 0
          ? t('clock.over', { time: fmt.duration(-left) })
          : t('clock.left', { time: fmt.duration(left) });
    };
    tick();
    clocks.push(tick);
    return el;
  }
  const clocks = [];
  setInterval(() => clocks.forEach((f) => f()), 30000);

  /**
   * An inline SVG line chart of `points` ({ label, value }); `invert` puts low values on top (ranks).
   * It has a text alternative, and a visually hidden table with the same numbers.
   */
  function lineChart(points, { title, min, max, invert = false, format = (v) => String(v) } = {}) {
    const W = 360;
    const H = 150;
    const pad = { l: 32, r: 12, t: 12, b: 24 };
    const values = points.map((p) => p.value);
    const lo = min ?? Math.min(...values);
    const hi = max ?? Math.max(...values);
    const span = hi - lo || 1;
    const x = (i) =>
      pad.l +
      (points.length === 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (points.length - 1));
    const y = (v) => {
      const f = (v - lo) / span;
      return pad.t + (invert ? f : 1 - f) * (H - pad.t - pad.b);
    };
    const path = points
      .map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)
      .join(' ');
    const summary = `${title}: ${points.map((p) => `${p.label} ${format(p.value)}`).join(', ')}`;
    const svg = h(
      'svg:svg',
      { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary },
      h('svg:title', {}, summary),
      h('svg:line', { class: 'axis', x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b }),
      h('svg:line', { class: 'axis', x1: pad.l, x2: pad.l, y1: pad.t, y2: H - pad.b }),
      h('svg:text', { x: pad.l - 4, y: invert ? H - pad.b : pad.t + 4, 'text-anchor': 'end' }, format(hi)),
      h('svg:text', { x: pad.l - 4, y: invert ? pad.t + 4 : H - pad.b, 'text-anchor': 'end' }, format(lo)),
      h('svg:path', { class: 'line', d: path }),
      points.map((p, i) => [
        h('svg:circle', { class: 'dot', cx: x(i), cy: y(p.value), r: 3 }),
        h('svg:text', { x: x(i), y: H - 6, 'text-anchor': 'middle' }, p.label),
      ]),
    );
    const table = h(
      'table',
      { class: 'sr-only' },
      h('caption', {}, title),
      h(
        'tbody',
        {},
        points.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.label), h('td', {}, format(p.value)))),
      ),
    );
    return h('figure', { class: 'chart-figure', style: undefined }, svg, table);
  }

  // ---------------------------------------------------------------- building blocks
  function card(titleKey, body, opts = {}) {
    const id = `h-${titleKey.replace(/[^a-z0-9]/gi, '-')}-${Math.random().toString(36).slice(2, 7)}`;
    return h(
      'section',
      {
        class: `card${opts.wide ? ' wide' : ''}`,
        'aria-labelledby': id,
        dataset: { section: opts.name || titleKey },
      },
      h('h2', { id }, opts.title || t(titleKey)),
      body,
    );
  }
  /** A section whose content loads on its own: a failure (e.g. 403 for this role) stays inside the card. */
  function asyncCard(titleKey, load, opts = {}) {
    const body = h('div', {}, h('p', { class: 'muted' }, t('loading')));
    const el = card(titleKey, body, opts);
    if (opts.allowed === false) {
      body.replaceChildren(h('p', { class: 'muted', dataset: { notAllowed: 'true' } }, t('error.forbidden')));
      el.reload = () => Promise.resolve();
      el.loaded = Promise.resolve();
      return el;
    }
    const run = () =>
      Promise.resolve()
        .then(load)
        .then((content) => {
          body.replaceChildren(content);
        })
        .catch((e) => {
          if (e && e.status === 401) return;
          body.replaceChildren(
            h(
              'p',
              { class: 'muted', dataset: { error: e && e.status ? String(e.status) : 'error' } },
              e && e.status === 403
                ? t('error.forbidden')
                : t('error.generic', { detail: e && e.message ? e.message : e }),
            ),
          );
        });
    el.reload = run;
    el.loaded = run();
    return el;
  }
  function empty(key) {
    return h('p', { class: 'muted' }, t(key || 'empty'));
  }
  function redactedValue() {
    return h(
      'span',
      { class: 'redacted', title: t('redacted.hint'), dataset: { redacted: 'true' } },
      t('redacted'),
    );
  }
  function notice(text, error) {
    const n = h('div', { class: `notice${error ? ' error' : ''}`, role: error ? 'alert' : 'status' }, text);
    appEl.prepend(n);
    setTimeout(() => n.remove(), 6000);
  }
  /** A small form; `fields` are [name, labelKey, control]; resolves with the values on submit. */
  function form(fields, onSubmit, { submitKey = 'save', onCancel } = {}) {
    const f = h(
      'form',
      { class: 'stack' },
      fields.map(([name, labelKey, control]) => {
        control.name = name;
        if (!control.id) control.id = `f-${name}-${Math.random().toString(36).slice(2, 7)}`;
        return h('label', { for: control.id }, t(labelKey), control);
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t(submitKey)),
        onCancel ? h('button', { type: 'button', onclick: onCancel }, t('cancel')) : null,
      ),
    );
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const values = Object.fromEntries(new FormData(f).entries());
      const button = f.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await onSubmit(values, f);
      } catch (err) {
        notice(t('error.generic', { detail: err.message }), true);
      } finally {
        button.disabled = false;
      }
    });
    return f;
  }
  function select(options, value) {
    return h(
      'select',
      {},
      options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
    );
  }
  /** A button that shows a form below itself; the form replaces it until saved or cancelled. */
  function toggleForm(labelKey, build) {
    const wrap = h('div', {});
    const button = h('button', { type: 'button', 'aria-expanded': 'false' }, t(labelKey));
    const close = () => {
      wrap.replaceChildren();
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    };
    button.addEventListener('click', () => {
      if (wrap.firstChild) return close();
      const f = build(close);
      wrap.replaceChildren(f);
      button.setAttribute('aria-expanded', 'true');
      const first = f.querySelector('input, select, textarea');
      if (first) first.focus();
    });
    return { button, panel: wrap };
  }

  // ---------------------------------------------------------------- start-up
  let started = false;
  let renderFn = null;
  function setStatus(text) {
    statusEl.textContent = text || '';
    statusEl.hidden = !text;
  }
  function showSignIn(message) {
    document.body.dataset.state = 'signin';
    setStatus('');
    const input = h('textarea', { id: 'kam-token', rows: 3, autocomplete: 'off', spellcheck: 'false' });
    appEl.replaceChildren(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'signin-h' },
        h('h1', { id: 'signin-h' }, t('signin.title')),
        message ? h('p', { class: 'notice error', role: 'alert' }, message) : null,
        h('p', { class: 'muted' }, t('signin.text')),
        form(
          [['token', 'signin.token', input]],
          (v) => {
            if (v.token.trim()) {
              storeToken(v.token.trim());
              run();
            }
          },
          { submitKey: 'signin.submit' },
        ),
      ),
    );
  }
  async function run() {
    if (!token) return showSignIn();
    started = true;
    document.body.dataset.state = 'loading';
    setStatus(t('loading'));
    try {
      await renderFn({ claims: claims() });
      setStatus('');
      document.body.dataset.state = 'ready';
      performance.mark('kam-ready');
    } catch (e) {
      if (e && e.status === 401) return;
      setStatus('');
      document.body.dataset.state = 'error';
      appEl.replaceChildren(
        h(
          'p',
          { class: 'notice error', role: 'alert' },
          e && e.status === 403 ? t('error.forbidden') : t('error.generic', { detail: e.message }),
        ),
        h('button', { type: 'button', onclick: run }, t('retry')),
      );
    }
  }
  window.addEventListener('message', (e) => {
    if (!config.origins.includes(e.origin)) return;
    const d = e.data;
    if (!d || d.type !== 'kam:token' || typeof d.token !== 'string' || !d.token) return;
    storeToken(d.token);
    if (!started || document.body.dataset.state === 'signin') run();
  });
  // Keep the record in the language switch.
  const lang = document.querySelector('a.lang');
  if (lang) {
    const u = new URL(location.href);
    u.hash = '';
    u.searchParams.set('lang', config.lang === 'en' ? 'zh-CN' : 'en');
    lang.href = u.pathname + u.search;
  }

  window.KAM = {
    config,
    t,
    h,
    api,
    fmt,
    clock,
    lineChart,
    card,
    asyncCard,
    may,
    empty,
    redactedValue,
    notice,
    form,
    select,
    toggleForm,
    app: appEl,
    query: new URLSearchParams(location.search),
    /** Each tab's script calls this once with its renderer. */
    start(render) {
      renderFn = render;
      loadToken();
      const parent = parentOrigin();
      if (parent) window.parent.postMessage({ type: 'kam:ready', tab: config.tab }, parent);
      if (token) run();
      else if (parent) {
        // Give the CRM a moment to answer kam:ready before asking for a pasted token.
        setStatus(t('loading'));
        setTimeout(() => !token && showSignIn(), 1500);
      } else showSignIn();
    },
  };
})();
