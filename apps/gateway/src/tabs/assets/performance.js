/* Performance tab: my scorecards, payout and trend; the team for leaders; the director's approval queue. */
(function () {
  'use strict';
  const K = window.KAM;
  const { t, h, api, fmt } = K;
  const lang = K.config.lang;
  const name = (n) => (n && typeof n === 'object' ? (lang === 'en' ? n.en : n.zh) : n);
  const stateBadge = (s) =>
    h(
      'span',
      { class: `badge ${s === 'approved' ? 'good' : s === 'appealed' ? 'warn' : ''}` },
      t(`scorecard.${s}`),
    );

  async function allScorecards(query) {
    const out = [];
    let cursor;
    for (let i = 0; i < 5; i++) {
      const page = await api('performance/scorecards', { query: { ...query, limit: 100, cursor } });
      out.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return out;
  }

  function mine(me) {
    return K.asyncCard(
      'perf.mine',
      async () => {
        const cards = (await allScorecards({ memberId: me })).sort((a, b) => a.month.localeCompare(b.month));
        if (!cards.length) return K.empty('perf.none');
        const latest = cards[cards.length - 1];
        // The payout comes after the first render, in its own block.
        const pay = h(
          'div',
          { dataset: { section: 'payout' } },
          h('h3', {}, t('perf.payout')),
          h('p', { class: 'muted' }, t('loading')),
        );
        api(`performance/scorecards/${latest.id}/statement`)
          .then((s) => pay.replaceWith(payout(s)))
          .catch((e) =>
            pay.replaceWith(
              h(
                'p',
                { class: 'muted', dataset: { section: 'payout', error: String(e.status || '') } },
                t('error.generic', { detail: e.message }),
              ),
            ),
          );
        const scored = cards.filter((c) => c.total !== null);
        const ranked = cards.filter((c) => c.rank !== null);
        const groups = Object.entries(latest.groups || {});
        return h(
          'div',
          { dataset: { scorecardId: latest.id } },
          h(
            'div',
            { class: 'row' },
            h('strong', {}, latest.month),
            stateBadge(latest.status),
            h(
              'span',
              {},
              t('perf.total'),
              ' ',
              h('span', { class: 'score', dataset: { total: latest.total } }, latest.total ?? '—'),
            ),
            h('span', {}, t('perf.rank'), ' ', h('strong', {}, latest.rank ?? '—')),
          ),
          groups.length
            ? h(
                'p',
                { class: 'muted small' },
                groups.map(([g, v]) => `${(latest.groupNames || {})[g] || g} ${v}`).join(' · '),
              )
            : null,
          h('h3', {}, t('perf.criteria', { month: latest.month })),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { dataset: { table: 'criteria' } },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, t('perf.group')),
                  h('th', { scope: 'col' }, t('perf.criterion')),
                  h('th', { scope: 'col', class: 'num' }, t('perf.points')),
                ),
              ),
              h(
                'tbody',
                {},
                latest.items.map((it) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, it.groupName || it.group),
                    h(
                      'td',
                      {},
                      name(it.name),
                      it.explanation ? h('div', { class: 'muted small' }, it.explanation) : null,
                    ),
                    h('td', { class: 'num' }, `${it.points ?? '—'} / ${it.maxPoints}`),
                  ),
                ),
              ),
            ),
          ),
          pay,
          scored.length > 1 || ranked.length > 1
            ? h(
                'div',
                { class: 'grid' },
                scored.length > 1
                  ? h(
                      'div',
                      {},
                      h('h3', {}, t('perf.scoreTrend')),
                      K.lineChart(
                        scored.map((c) => ({ label: c.month.slice(2), value: Number(c.total) })),
                        { title: t('perf.scoreTrend'), min: 0, max: 100 },
                      ),
                    )
                  : null,
                ranked.length > 1
                  ? h(
                      'div',
                      {},
                      h('h3', {}, t('perf.rankTrend')),
                      K.lineChart(
                        ranked.map((c) => ({ label: c.month.slice(2), value: c.rank })),
                        { title: t('perf.rankTrend'), min: 1, invert: true },
                      ),
                    )
                  : null,
              )
            : null,
        );
      },
      { wide: true, name: 'mine' },
    );
  }

  function payout(s) {
    return h(
      'div',
      { dataset: { section: 'payout' } },
      h('h3', {}, t('perf.payout'), s.final ? '' : ` ${t('perf.draft')}`),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('perf.payBase')),
        h('dd', {}, s.payBaseMinor === null ? '—' : fmt.money(s.payBaseMinor, s.currency)),
        h('dt', {}, t('perf.band')),
        h('dd', {}, s.bandLabel ?? s.band ?? '—', s.ratePct ? ` (${s.ratePct}%)` : ''),
        (s.payout ? s.payout.lines : []).map((l) => [
          h('dt', {}, l.label || l.key),
          h(
            'dd',
            {},
            fmt.money(l.amountMinor, s.currency),
            ' ',
            h('span', { class: 'muted small' }, l.formula),
          ),
        ]),
        h('dt', {}, t('perf.totalPay')),
        h(
          'dd',
          { dataset: { field: 'totalPay' } },
          h('strong', {}, s.totalPayMinor === null ? '—' : fmt.money(s.totalPayMinor, s.currency)),
        ),
      ),
    );
  }

  function team(me) {
    return K.asyncCard(
      'perf.team',
      async () => {
        const cards = (await allScorecards({})).filter((c) => c.memberId !== me);
        if (!cards.length) return K.empty();
        const month = cards
          .map((c) => c.month)
          .sort()
          .pop();
        const rows = cards.filter((c) => c.month === month).sort((a, b) => (a.rank ?? 999) - (b.rank ?? 999));
        return h(
          'div',
          {},
          h('p', { class: 'muted' }, month),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { dataset: { table: 'team' } },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['perf.member', 'perf.status', 'perf.total', 'perf.rank'].map((k, i) =>
                    h('th', { scope: 'col', class: i > 1 ? 'num' : undefined }, t(k)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                rows.map((c) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, c.memberName),
                    h('td', {}, stateBadge(c.status)),
                    h('td', { class: 'num' }, c.total ?? '—'),
                    h('td', { class: 'num' }, c.rank ?? '—'),
                  ),
                ),
              ),
            ),
          ),
        );
      },
      { wide: true, name: 'team', title: t('perf.team', { month: '' }).trim() },
    );
  }

  function queue() {
    const el = K.asyncCard(
      'perf.queue',
      async () => {
        const [appeals, cards] = await Promise.all([
          api('performance/appeals', { query: { status: 'pending' } }),
          allScorecards({ status: 'acknowledged' }),
        ]);
        const byId = new Map(cards.map((c) => [c.id, c]));
        const body = h('div', {});
        body.append(h('h3', {}, t('perf.appeals'), ` (${appeals.length})`));
        body.append(
          appeals.length
            ? h(
                'ul',
                { class: 'plain', dataset: { list: 'appeals' } },
                appeals.map((ap) => {
                  const decide = (decision) =>
                    K.toggleForm(decision === 'upheld' ? 'perf.uphold' : 'perf.reject', (close) =>
                      K.form(
                        [
                          [
                            'reason',
                            'perf.reason',
                            h('textarea', { required: true, minlength: 2, maxlength: 4000 }),
                          ],
                        ],
                        async (v) => {
                          await api(`performance/appeals/${ap.id}/decide`, {
                            method: 'POST',
                            body: { decision, reason: v.reason },
                          });
                          K.notice(t('perf.decided'));
                          close();
                          el.reload();
                        },
                        { onCancel: close },
                      ),
                    );
                  const up = decide('upheld');
                  const rej = decide('rejected');
                  const sc = byId.get(ap.scorecardId);
                  return h(
                    'li',
                    { dataset: { appealId: ap.id } },
                    h(
                      'div',
                      { class: 'row' },
                      h('strong', {}, sc ? sc.memberName : ap.memberId),
                      h('span', { class: 'muted small' }, fmt.dateTime(ap.filedAt)),
                    ),
                    h('p', {}, ap.reason),
                    h('div', { class: 'actions' }, up.button, rej.button),
                    up.panel,
                    rej.panel,
                  );
                }),
              )
            : K.empty('perf.queueEmpty'),
        );
        body.append(h('h3', {}, t('perf.toApprove'), ` (${cards.length})`));
        body.append(
          cards.length
            ? h(
                'ul',
                { class: 'plain', dataset: { list: 'to-approve' } },
                cards.map((c) => {
                  const b = h('button', { type: 'button' }, t('perf.approve'));
                  b.addEventListener('click', async () => {
                    b.disabled = true;
                    try {
                      await api(`performance/scorecards/${c.id}/approve`, { method: 'POST' });
                      K.notice(t('perf.approved'));
                      el.reload();
                    } catch (e) {
                      b.disabled = false;
                      K.notice(e.message, true);
                    }
                  });
                  return h(
                    'li',
                    { class: 'row', dataset: { scorecardId: c.id } },
                    h('span', {}, c.memberName, ' · ', c.month),
                    h('span', {}, h('strong', {}, c.total ?? '—'), ' ', b),
                  );
                }),
              )
            : K.empty('perf.queueEmpty'),
        );
        return body;
      },
      { wide: true, name: 'queue' },
    );
    return el;
  }

  K.start(async ({ claims }) => {
    const roles = claims.roles;
    const cards = [];
    if (roles.includes('director') || roles.includes('deputy_director')) cards.push(queue());
    if (roles.some((r) => ['group_leader', 'director', 'deputy_director', 'executive'].includes(r)))
      cards.push(team(claims.memberId));
    if (!roles.includes('director') && !roles.includes('executive')) cards.unshift(mine(claims.memberId));
    K.app.replaceChildren(
      h('div', { class: 'head' }, h('h1', {}, t('nav.performance'))),
      h('div', { class: 'grid' }, cards),
    );
    await Promise.all(cards.map((c) => c.loaded));
  });
})();
