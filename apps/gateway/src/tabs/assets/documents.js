/* Documents tab: what the member may see, by classification; upload; watermarked download; the access log. */
(function () {
  'use strict';
  const K = window.KAM;
  const { t, h, api, fmt } = K;
  const LEVELS = ['public', 'internal', 'confidential', 'secret'];
  const KINDS = [
    'policy',
    'customer_archive',
    'contract',
    'bid',
    'meeting_minutes',
    'report',
    'training_material',
    'handover_report',
  ];
  const levelClass = { public: 'good', internal: '', confidential: 'warn', secret: 'bad' };

  async function download(doc, button) {
    button.disabled = true;
    try {
      const res = await api(`documents/${doc.id}/download`, { raw: true });
      const blob = await res.blob();
      const cd = res.headers.get('Content-Disposition') || '';
      const m = /filename\*=UTF-8''([^;]+)/.exec(cd);
      const fileName = m ? decodeURIComponent(m[1]) : doc.title;
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: fileName, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      document.body.dataset.downloaded = doc.id;
    } catch (e) {
      K.notice(e.message, true);
    } finally {
      button.disabled = false;
    }
  }

  function documentsCard(accountId) {
    const el = K.asyncCard(
      'docs.title',
      async () => {
        const page = await api('documents', { query: { limit: 200, accountId: accountId || undefined } });
        if (!page.items.length) return K.empty('docs.none');
        const body = h('div', {}, h('p', { class: 'muted small' }, t('docs.watermark')));
        for (const level of LEVELS) {
          const docs = page.items.filter((d) => d.classification === level);
          if (!docs.length) continue;
          body.append(
            h(
              'section',
              { dataset: { classification: level } },
              h(
                'h3',
                {},
                h('span', { class: `badge ${levelClass[level]}` }, t(`class.${level}`)),
                ` (${docs.length})`,
              ),
              h(
                'ul',
                { class: 'plain' },
                docs.map((d) => {
                  const b = h(
                    'button',
                    { type: 'button', 'aria-label': t('docs.downloadOf', { title: d.title }) },
                    t('docs.download'),
                  );
                  b.addEventListener('click', () => download(d, b));
                  return h(
                    'li',
                    { class: 'row', dataset: { documentId: d.id } },
                    h(
                      'span',
                      {},
                      h('strong', {}, d.title),
                      ' ',
                      h(
                        'span',
                        { class: 'muted small' },
                        d.kind,
                        ' · v',
                        d.currentVersion,
                        ' · ',
                        fmt.date(d.updatedAt),
                      ),
                    ),
                    b,
                  );
                }),
              ),
            ),
          );
        }
        return body;
      },
      { wide: true, name: 'documents' },
    );
    return el;
  }

  function uploadCard(list, accountId) {
    const panel = K.form(
      [
        ['file', 'docs.file', h('input', { type: 'file', required: true })],
        ['title', 'docs.docTitle', h('input', { required: true, maxlength: 200 })],
        [
          'kind',
          'docs.kind',
          K.select(
            KINDS.map((k) => [k, k]),
            'report',
          ),
        ],
        [
          'classification',
          'docs.classification',
          K.select(
            LEVELS.map((l) => [l, t(`class.${l}`)]),
            'internal',
          ),
        ],
      ],
      async (v, f) => {
        const data = new FormData();
        data.append('kind', v.kind);
        data.append('classification', v.classification);
        data.append('title', v.title);
        if (accountId) data.append('accountId', accountId);
        data.append('file', v.file);
        await api('documents', { method: 'POST', form: data });
        K.notice(t('docs.uploaded'));
        f.reset();
        list.reload();
      },
      { submitKey: 'docs.upload' },
    );
    return K.card('docs.upload', panel, { name: 'upload' });
  }

  function accessLogCard() {
    const verifyOut = h('span', { class: 'small', role: 'status' });
    const verify = h('button', { type: 'button' }, t('docs.verify'));
    verify.addEventListener('click', async () => {
      verify.disabled = true;
      try {
        const r = await api('access-log/verify');
        verifyOut.textContent = r.ok
          ? t('docs.chainOk', { n: r.checked })
          : t('docs.chainBroken', { seq: r.firstBroken.seq });
        verifyOut.className = `badge ${r.ok ? 'good' : 'bad'}`;
      } catch (e) {
        K.notice(e.message, true);
      } finally {
        verify.disabled = false;
      }
    });
    return K.asyncCard(
      'docs.accessLog',
      async () => {
        const [page, members] = await Promise.all([
          api('access-log', { query: { limit: 50 } }),
          K.may('readOrg') ? api('members').catch(() => []) : Promise.resolve([]),
        ]);
        const names = new Map(members.map((m) => [m.id, m.name]));
        return h(
          'div',
          {},
          h('div', { class: 'actions' }, verify, verifyOut),
          page.items.length
            ? h(
                'div',
                { class: 'table-wrap' },
                h(
                  'table',
                  { dataset: { table: 'access-log' } },
                  h(
                    'thead',
                    {},
                    h(
                      'tr',
                      {},
                      ['docs.at', 'docs.member', 'docs.action', 'docs.subject'].map((k) =>
                        h('th', { scope: 'col' }, t(k)),
                      ),
                    ),
                  ),
                  h(
                    'tbody',
                    {},
                    page.items.map((e) =>
                      h(
                        'tr',
                        { dataset: { entryId: e.id } },
                        h('td', {}, h('time', { datetime: e.at }, fmt.dateTime(e.at))),
                        h(
                          'td',
                          { title: e.memberId },
                          names.get(e.memberId) || `…${String(e.memberId).slice(-6)}`,
                        ),
                        h(
                          'td',
                          {},
                          h('span', { class: `badge ${/denied/.test(e.action) ? 'bad' : ''}` }, e.action),
                        ),
                        h(
                          'td',
                          {},
                          e.subject,
                          e.documentId
                            ? h('span', { class: 'muted small' }, ' ', e.documentId.slice(0, 8))
                            : null,
                        ),
                      ),
                    ),
                  ),
                ),
              )
            : K.empty(),
        );
      },
      { wide: true, name: 'access-log' },
    );
  }

  K.start(async ({ claims }) => {
    const roles = claims.roles;
    const accountId = K.query.get('accountId') || undefined;
    const cards = [];
    const business = roles.some((r) => r !== 'security_officer' && r !== 'admin');
    if (business) {
      const list = documentsCard(accountId);
      cards.push(list, uploadCard(list, accountId));
    }
    if (roles.includes('security_officer')) cards.push(accessLogCard());
    K.app.replaceChildren(
      h('div', { class: 'head' }, h('h1', {}, t('nav.documents'))),
      h('div', { class: 'grid' }, cards),
    );
    await Promise.all(cards.map((c) => c.loaded).filter(Boolean));
  });
})();
