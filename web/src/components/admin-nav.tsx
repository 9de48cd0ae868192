/** The admins' pages, linked from each of them. */
export function AdminNav({ current }: { current: 'wijkwijzen' | 'partners' }) {
  const link = (name: typeof current, href: string, label: string) => (
    <li class="utrecht-unordered-list__item">
      <a class="utrecht-link utrecht-link--html-a" href={href} aria-current={current === name ? 'page' : undefined}>{label}</a>
    </li>
  );
  return (
    <nav aria-label="Beheer" class="ww-admin-nav">
      <ul class="utrecht-unordered-list">
        {link('wijkwijzen', '/beheer/wijkwijzen', 'Wijkwijzen')}
        {link('partners', '/beheer/partners', 'Partners')}
      </ul>
    </nav>
  );
}
