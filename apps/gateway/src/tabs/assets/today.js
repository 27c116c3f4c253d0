/* "My work today": the member's due revisits, SLA clocks and pending approvals. */
(function () {
  'use strict';
  const K = window.KAM;
  const { t, h, api, fmt } = K;
  const accountLink = (id, name) =>
    h('a', { href: `account?lang=${K.config.lang}&accountId=${encodeURIComponent(id)}` }, name);

  function todayIso() {
    const d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 10);
  }

  K.start(async ({ claims }) => {
    const me = claims.memberId;
    const director = claims.roles.includes('director');
    const service = K.may('readService');
    const revisits = K.asyncCard(
      'today.revisits',
      async () => {
        const page = await api('revisits', { query: { assigneeId: me, dueBefore: todayIso(), limit: 100 } });
        const due = page.items
          .filter((r) => r.status === 'planned' || r.status === 'overdue')
          .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
        if (!due.length) return K.empty('today.noRevisits');
        return h(
          'ul',
          { class: 'plain', dataset: { list: 'revisits' } },
          due.map((r) =>
            h(
              'li',
              { class: 'row', dataset: { revisitId: r.id } },
              accountLink(r.accountId, r.accountName),
              h(
                'span',
                { class: `badge ${r.status === 'overdue' ? 'bad' : 'warn'}` },
                t(`status.${r.status}`),
                ' · ',
                fmt.date(r.dueDate),
              ),
            ),
          ),
        );
      },
      { name: 'revisits', allowed: service },
    );
    const complaints = K.asyncCard(
      'today.complaints',
      async () => {
        const query = { limit: 100 };
        if (!director) query.handlerId = me;
        const page = await api('complaints', { query });
        const open = page.items
          .filter((c) => c.status !== 'resolved' && c.status !== 'closed')
          .sort((a, b) => a.resolutionDue.localeCompare(b.resolutionDue));
        if (!open.length) return K.empty('today.noComplaints');
        return h(
          'ul',
          { class: 'plain', dataset: { list: 'complaints' } },
          open.map((c) =>
            h(
              'li',
              { dataset: { complaintId: c.id } },
              h(
                'div',
                { class: 'row' },
                accountLink(c.accountId, c.accountName),
                h('span', { class: 'badge' }, t(`status.${c.status}`)),
              ),
              h('div', { class: 'muted small' }, c.category, ' · ', t(`severity.${c.severity}`)),
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
    const approvals = K.asyncCard(
      'today.approvals',
      async () => {
        const [notes, tiers] = await Promise.all([
          api('notifications', { query: { unread: 'true', limit: 50 } }),
          director
            ? api('tier-changes', { query: { status: 'pending' } }).catch(() => [])
            : Promise.resolve([]),
        ]);
        const body = h('div', {});
        if (tiers.length)
          body.append(
            h('h3', {}, t('today.tierChanges'), ` (${tiers.length})`),
            h(
              'ul',
              { class: 'plain', dataset: { list: 'tier-changes' } },
              tiers.map((c) =>
                h(
                  'li',
                  { class: 'row' },
                  accountLink(c.accountId, c.accountName || c.accountId),
                  h('span', { class: 'badge warn' }, `${c.fromTier} → ${c.toTier}`),
                ),
              ),
            ),
          );
        if (!notes.items.length && !tiers.length) return K.empty('today.noApprovals');
        if (notes.items.length)
          body.append(
            h(
              'ul',
              { class: 'plain', dataset: { list: 'notifications' } },
              notes.items.map((n) => {
                const b = h('button', { type: 'button' }, t('today.markRead'));
                const li = h(
                  'li',
                  { dataset: { notificationId: n.id } },
                  h('div', { class: 'row' }, h('strong', {}, n.title), b),
                  n.body ? h('div', { class: 'muted small' }, n.body) : null,
                  h('div', { class: 'muted small' }, fmt.dateTime(n.createdAt)),
                );
                b.addEventListener('click', async () => {
                  b.disabled = true;
                  try {
                    await api(`notifications/${n.id}/read`, { method: 'POST' });
                    li.remove();
                  } catch (e) {
                    b.disabled = false;
                    K.notice(e.message, true);
                  }
                });
                return li;
              }),
            ),
          );
        return body;
      },
      { wide: true, name: 'approvals' },
    );
    K.app.replaceChildren(
      h(
        'div',
        { class: 'head' },
        h('h1', {}, t('nav.today')),
        h('span', { class: 'muted' }, t('today.greeting', { date: fmt.date(todayIso()) })),
      ),
      h('div', { class: 'grid' }, revisits, complaints, approvals),
    );
    await Promise.all([revisits.loaded, complaints.loaded, approvals.loaded]);
  });
})();
