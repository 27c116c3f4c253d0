/* Account tab: one key account as its team sees it, with quick actions. Needs tabs.js. */
(function () {
  'use strict';
  const K = window.KAM;
  const { t, h, api, fmt } = K;
  const lang = K.config.lang;
  const label = (l) => (l && typeof l === 'object' ? l[lang] || l['zh-CN'] || l.en : l);

  function setAccountInUrl(id) {
    const u = new URL(location.href);
    u.searchParams.delete('companyId');
    u.searchParams.set('accountId', id);
    history.replaceState(null, '', u.pathname + u.search);
  }

  /** The company picker: the IFRAME widget passes no record id, so the user chooses. */
  function picker(onPick, note) {
    const input = h('input', {
      type: 'search',
      id: 'kam-picker',
      placeholder: t('picker.placeholder'),
      autocomplete: 'off',
      'aria-controls': 'kam-picker-results',
    });
    const results = h('ul', {
      class: 'plain picker-results',
      id: 'kam-picker-results',
      'aria-live': 'polite',
    });
    let timer;
    let seq = 0;
    const search = async () => {
      const mine = ++seq;
      const q = input.value.trim();
      const page = await api('accounts', { query: { q: q || undefined, limit: 20 } });
      if (mine !== seq) return;
      results.replaceChildren(
        ...(page.items.length
          ? page.items.map((a) =>
              h(
                'li',
                {},
                h(
                  'button',
                  { type: 'button', onclick: () => onPick(a.id), dataset: { accountId: a.id } },
                  a.name,
                  ' ',
                  h('span', { class: 'muted small' }, a.tier),
                ),
              ),
            )
          : [h('li', { class: 'muted' }, t('picker.none'))]),
      );
    };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => search().catch((e) => K.notice(e.message, true)), 200);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') {
        const first = results.querySelector('button');
        if (first) {
          e.preventDefault();
          first.focus();
        }
      }
    });
    results.addEventListener('keydown', (e) => {
      const buttons = [...results.querySelectorAll('button')];
      const i = buttons.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && i >= 0 && i < buttons.length - 1) {
        e.preventDefault();
        buttons[i + 1].focus();
      } else if (e.key === 'ArrowUp' && i >= 0) {
        e.preventDefault();
        (i === 0 ? input : buttons[i - 1]).focus();
      }
    });
    K.app.replaceChildren(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'picker-h', dataset: { section: 'picker' } },
        h('h1', { id: 'picker-h' }, t('picker.title')),
        note ? h('p', { class: 'muted' }, note) : null,
        h('label', { for: 'kam-picker' }, t('picker.label'), input),
        results,
      ),
    );
    input.focus();
    return search();
  }

  async function resolveAccount() {
    const accountId = K.query.get('accountId');
    if (accountId) return { id: accountId };
    const companyId = K.query.get('companyId');
    if (companyId) {
      const page = await api('accounts', { query: { crmCompanyId: companyId, limit: 1 } });
      if (page.items.length) return { id: page.items[0].id };
      return { note: t('picker.notLinked') };
    }
    return {};
  }

  const tierClass = (tier) => `badge tier tier-${tier}`;

  async function render(id, claims) {
    // Every request that needs only the id starts now, beside the account's: one round trip to a first render.
    const service = K.may('readService');
    const pre = {
      revisits: service ? api(`accounts/${id}/revisits`, { query: { limit: 50 } }) : null,
      complaints: service ? api('complaints', { query: { accountId: id, limit: 50 } }) : null,
      surveys: service ? api(`accounts/${id}/surveys`) : null,
      timeline: api(`accounts/${id}/timeline`, { query: { limit: 15 } }),
      contacts: K.may('readContacts') ? api(`accounts/${id}/contacts`) : null,
    };
    for (const p of Object.values(pre)) if (p) p.catch(() => undefined);
    const [a, settings] = await Promise.all([api(`accounts/${id}`), api('settings').catch(() => null)]);
    const ladder = (settings && (settings.settings || settings).tierLadder) || [];
    const tier = ladder.find((x) => x.key === a.tier);
    const redacted = new Set(a.redacted || []);

    // The next revisit is needed by two cards: load it once.
    const revisitsP = (pre.revisits || Promise.resolve({ items: [] })).then((p) =>
      p.items
        .filter((r) => r.status === 'planned' || r.status === 'overdue')
        .sort((x, y) => x.dueDate.localeCompare(y.dueDate)),
    );

    const overview = K.card(
      'account.health',
      h(
        'div',
        {},
        a.health
          ? [
              h(
                'div',
                { class: 'row' },
                h('span', { class: 'score', dataset: { health: a.health.score } }, String(a.health.score)),
                h('span', { class: 'muted small' }, fmt.dateTime(a.health.computedAt)),
              ),
              a.health.reasons.length
                ? h(
                    'ul',
                    { class: 'plain', dataset: { list: 'health-reasons' } },
                    a.health.reasons.map((r) =>
                      h(
                        'li',
                        { class: 'row' },
                        h('span', {}, lang === 'en' ? r.en : r.zh),
                        h(
                          'span',
                          { class: `badge ${r.points < 0 ? 'bad' : 'good'}` },
                          (r.points > 0 ? '+' : '') + r.points,
                        ),
                      ),
                    ),
                  )
                : null,
            ]
          : K.empty('account.health.none'),
        h('h3', {}, t('account.team')),
        (() => {
          const owner = h('dd', { dataset: { field: 'owner' } }, a.ownerId);
          const team = h('dd', { dataset: { field: 'team' } }, '—');
          const service = h('dd', { dataset: { field: 'serviceTeam' } }, '—');
          if (K.may('readOrg'))
            Promise.all([api(`members/${a.ownerId}`).catch(() => null), api('teams').catch(() => [])]).then(
              ([m, teams]) => {
                const byId = new Map((teams || []).map((x) => [x.id, x.name]));
                if (m) owner.textContent = m.name;
                if (m && m.teamId) team.textContent = byId.get(m.teamId) || '—';
                if (a.serviceTeamId) service.textContent = byId.get(a.serviceTeamId) || '—';
              },
            );
          return h(
            'dl',
            { class: 'facts' },
            h('dt', {}, t('account.owner')),
            owner,
            h('dt', {}, t('account.team')),
            team,
            h('dt', {}, t('account.serviceTeam')),
            service,
            h('dt', {}, t('account.annualPurchase')),
            h(
              'dd',
              { dataset: { field: 'annualPurchase' } },
              redacted.has('annualPurchase') || !a.annualPurchase
                ? redacted.has('annualPurchase')
                  ? K.redactedValue()
                  : '—'
                : fmt.money(a.annualPurchase.amountMinor, a.annualPurchase.currency),
            ),
          );
        })(),
      ),
      { name: 'health' },
    );

    const nextRevisit = K.asyncCard(
      'account.nextRevisit',
      async () => {
        const list = await revisitsP;
        if (!list.length) return K.empty('account.noRevisit');
        const r = list[0];
        return h(
          'div',
          { dataset: { revisitId: r.id } },
          h(
            'div',
            { class: 'row' },
            h('strong', {}, fmt.date(r.dueDate)),
            h('span', { class: `badge ${r.status === 'overdue' ? 'bad' : ''}` }, t(`status.${r.status}`)),
          ),
        );
      },
      { name: 'next-revisit', allowed: service },
    );

    const complaints = K.asyncCard(
      'account.complaints',
      async () => {
        const page = await pre.complaints;
        const open = page.items.filter((c) => c.status !== 'resolved' && c.status !== 'closed');
        if (!open.length) return K.empty('account.noComplaints');
        return h(
          'ul',
          { class: 'plain' },
          open.map((c) =>
            h(
              'li',
              { dataset: { complaintId: c.id } },
              h(
                'div',
                { class: 'row' },
                h('strong', {}, c.category),
                h(
                  'span',
                  { class: `badge ${c.severity === 'high' ? 'bad' : c.severity === 'medium' ? 'warn' : ''}` },
                  t(`severity.${c.severity}`),
                ),
                h('span', { class: 'badge' }, t(`status.${c.status}`)),
              ),
              h('div', { class: 'muted small' }, c.description),
              h(
                'div',
                { class: 'row small' },
                h(
                  'span',
                  {},
                  t('complaint.firstResponse'),
                  ' ',
                  K.clock(c.firstResponseDue, !!c.firstRespondedAt),
                ),
                h('span', {}, t('complaint.resolution'), ' ', K.clock(c.resolutionDue, !!c.resolvedAt)),
              ),
            ),
          ),
        );
      },
      { name: 'complaints', allowed: service },
    );

    const satisfaction = K.asyncCard(
      'account.satisfaction',
      async () => {
        const surveys = await pre.surveys;
        const list = (Array.isArray(surveys) ? surveys : surveys.items)
          .filter((s) => s.answeredAt && s.scores && typeof s.scores.overall === 'number')
          .sort((x, y) => x.answeredAt.localeCompare(y.answeredAt))
          .slice(-12);
        if (!list.length) return K.empty('account.noSurveys');
        return K.lineChart(
          list.map((s) => ({ label: s.period || s.answeredAt.slice(0, 7), value: s.scores.overall })),
          { title: t('account.satisfaction'), min: 1, max: 5 },
        );
      },
      { name: 'satisfaction', allowed: service },
    );

    const timeline = K.asyncCard(
      'account.timeline',
      async () => {
        const page = pre.timeline
          ? await pre.timeline
          : await api(`accounts/${id}/timeline`, { query: { limit: 15 } });
        pre.timeline = null;
        if (!page.items.length) return K.empty();
        return h(
          'ul',
          { class: 'plain' },
          page.items.map((e) =>
            h(
              'li',
              { class: 'row', dataset: { kind: e.kind, seq: e.seq } },
              h('span', {}, K.config.messages[`tl.${e.kind}`] || e.kind.replace(/_/g, ' '), describe(e)),
              h('time', { class: 'muted small', datetime: e.at }, fmt.dateTime(e.at)),
            ),
          ),
        );
      },
      { name: 'timeline' },
    );

    const contacts = K.asyncCard(
      'account.contacts',
      async () => {
        const page = await pre.contacts;
        const list = page.items || page;
        if (!list.length) return K.empty();
        const cell = (c, field) => ((c.redacted || []).includes(field) ? K.redactedValue() : c[field] || '—');
        return h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['contact.name', 'contact.title', 'contact.phone', 'contact.email', 'contact.role'].map((k) =>
                  h('th', { scope: 'col' }, t(k)),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              list.map((c) =>
                h(
                  'tr',
                  { dataset: { contactId: c.id } },
                  h(
                    'td',
                    {},
                    c.name,
                    c.isPrimary ? h('span', { class: 'badge', title: t('contact.primary') }, '★') : null,
                  ),
                  h('td', {}, c.title || '—'),
                  h('td', { dataset: { field: 'phone' } }, cell(c, 'phone')),
                  h('td', { dataset: { field: 'email' } }, cell(c, 'email')),
                  h('td', {}, c.buyingRole || '—'),
                ),
              ),
            ),
          ),
        );
      },
      { wide: true, name: 'contacts', allowed: !!pre.contacts },
    );

    const refresh = () => {
      nextRevisit.reload();
      complaints.reload();
      timeline.reload();
    };
    const nowLocal = () => {
      const d = new Date();
      d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
      return d.toISOString().slice(0, 16);
    };
    const isoOf = (local) => new Date(local).toISOString();

    const visit = K.toggleForm('action.logVisit', (close) =>
      K.form(
        [
          [
            'occurredAt',
            'visit.occurredAt',
            h('input', { type: 'datetime-local', required: true, value: nowLocal() }),
          ],
          ['summary', 'visit.summary', h('textarea', { required: true, maxlength: 5000 })],
          ['nextSteps', 'visit.nextSteps', h('textarea', { maxlength: 5000 })],
        ],
        async (v) => {
          await api(`accounts/${id}/records`, {
            method: 'POST',
            body: {
              kind: 'visit',
              occurredAt: isoOf(v.occurredAt),
              summary: v.summary,
              nextSteps: v.nextSteps || undefined,
            },
          });
          K.notice(t('visit.saved'));
          close();
          refresh();
        },
        { onCancel: close },
      ),
    );
    const completeRevisit = K.toggleForm('action.completeRevisit', (close) =>
      K.form(
        [
          [
            'satisfaction',
            'revisit.satisfaction',
            K.select(
              [5, 4, 3, 2, 1].map((n) => [String(n), String(n)]),
              '4',
            ),
          ],
          ['issues', 'revisit.issues', h('textarea', { maxlength: 5000 })],
          ['nextSteps', 'visit.nextSteps', h('textarea', { maxlength: 5000 })],
        ],
        async (v) => {
          const list = await revisitsP;
          if (!list.length) throw new Error(t('account.noRevisit'));
          const r = list[0];
          await api(`revisits/${r.id}/completion`, {
            method: 'POST',
            headers: { 'If-Match': `"${r.version}"` },
            body: {
              satisfaction: Number(v.satisfaction),
              issues: v.issues || undefined,
              nextSteps: v.nextSteps || undefined,
            },
          });
          K.notice(t('revisit.saved'));
          close();
          refresh();
        },
        { onCancel: close },
      ),
    );
    const complaint = K.toggleForm('action.openComplaint', (close) =>
      K.form(
        [
          ['category', 'complaint.category', h('input', { required: true, maxlength: 100 })],
          [
            'channel',
            'complaint.channel',
            K.select(
              ['phone', 'email', 'visit', 'letter', 'online', 'other'].map((c) => [c, t(`channel.${c}`)]),
              'phone',
            ),
          ],
          [
            'severity',
            'complaint.severity',
            K.select(
              ['high', 'medium', 'low'].map((s) => [s, t(`severity.${s}`)]),
              'medium',
            ),
          ],
          ['description', 'complaint.description', h('textarea', { required: true, maxlength: 5000 })],
        ],
        async (v) => {
          await api(`accounts/${id}/complaints`, {
            method: 'POST',
            body: {
              category: v.category,
              channel: v.channel,
              severity: v.severity,
              description: v.description,
              receivedAt: new Date().toISOString(),
            },
          });
          K.notice(t('complaint.saved'));
          close();
          refresh();
        },
        { onCancel: close },
      ),
    );
    const actions = K.card(
      'account.actions',
      K.may('writeService')
        ? h(
            'div',
            {},
            h('div', { class: 'actions' }, visit.button, completeRevisit.button, complaint.button),
            visit.panel,
            completeRevisit.panel,
            complaint.panel,
          )
        : h('p', { class: 'muted', dataset: { notAllowed: 'true' } }, t('error.forbidden')),
      { name: 'actions' },
    );

    K.app.replaceChildren(
      h(
        'div',
        { class: 'head', dataset: { accountId: a.id } },
        h('h1', {}, a.name),
        h(
          'span',
          { class: tierClass(a.tier), dataset: { tier: a.tier } },
          t('account.tier'),
          ' · ',
          tier ? label(tier.label) : a.tier,
        ),
        h(
          'span',
          {
            class: `badge ${a.status === 'at_risk' || a.status === 'lost' ? 'bad' : a.status === 'active' ? 'good' : ''}`,
            dataset: { status: a.status },
          },
          K.config.messages[`stage.${a.status}`] || a.status,
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              picker((pick) => {
                setAccountInUrl(pick);
                render(pick, claims).catch((e) => K.notice(e.message, true));
              }),
          },
          t('picker.change'),
        ),
      ),
      h(
        'div',
        { class: 'grid' },
        overview,
        nextRevisit,
        complaints,
        actions,
        satisfaction,
        timeline,
        contacts,
      ),
    );
    // First render: the account and the cards' first answers.
    await Promise.all([
      nextRevisit.loaded,
      complaints.loaded,
      satisfaction.loaded,
      timeline.loaded,
      contacts.loaded,
    ]);
  }

  function describe(e) {
    const d = e.details || {};
    const bits = [];
    if (d.from !== undefined && d.to !== undefined && typeof d.to !== 'object')
      bits.push(`${d.from ?? '—'} → ${d.to}`);
    if (typeof d.summary === 'string') bits.push(d.summary);
    if (typeof d.reason === 'string') bits.push(d.reason);
    return bits.length ? h('span', { class: 'muted' }, ' · ', bits.join(' · ').slice(0, 120)) : null;
  }

  K.start(async ({ claims }) => {
    const found = await resolveAccount();
    const pick = async (id) => {
      setAccountInUrl(id);
      K.app.replaceChildren(h('p', { class: 'muted' }, t('loading')));
      await render(id, claims).catch((e) => K.notice(e.message, true));
      document.body.dataset.account = id;
    };
    if (found.id) {
      await render(found.id, claims);
      document.body.dataset.account = found.id;
    } else await picker(pick, found.note);
  });
})();
