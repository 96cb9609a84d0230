import { Link, NavLink, Outlet } from 'react-router';
import { useSession } from '../auth/session.js';
import { useOutbox } from '../commands/commands.js';
import { useLanguage, useTexts } from '../i18n/language.js';
import { common } from '../ui/texts.js';
import type { RoleArea } from '../roles/area.js';

/** The frame of every signed-in screen: skip link, header with who is signed in, the role's menu, the outbox's count, the language switch. */
export const Layout = ({ area }: { area: RoleArea | undefined }) => {
  const t = useTexts(common);
  const session = useSession();
  const { language, setLanguage } = useLanguage();
  const outbox = useOutbox();
  const waiting = outbox.entries.length;
  return (
    <>
      <a className="skip-link" href="#innehall">
        {t('skipToContent')}
      </a>
      <header className="site-header">
        <div className="header-row">
          <Link to="/" className="app-name">
            {t('appName')}
          </Link>
          <div className="header-tools">
            {session ? <span className="who">{t('signedInAs', { name: session.user.name, role: t(`role.${session.user.role}`) })}</span> : null}
            {waiting > 0 ? (
              <Link to="/vantar" className="outbox-link">
                {t('outboxWaiting', { count: waiting })}
              </Link>
            ) : null}
            <button
              type="button"
              className="link-button"
              lang={language === 'sv' ? 'en' : 'sv'}
              aria-label={t('otherLanguageLabel')}
              onClick={() => setLanguage(language === 'sv' ? 'en' : 'sv')}
            >
              {t('otherLanguage')}
            </button>
            {session ? (
              <Link to="/logga-ut" className="link-button">
                {t('signOut')}
              </Link>
            ) : null}
          </div>
        </div>
        {area ? (
          <nav aria-label={t('mainNavigation')} className="main-nav">
            <ul>
              {area.menu.map((entry) => (
                <li key={entry.path}>
                  <NavLink to={entry.path ? `${area.base}/${entry.path}` : area.base} end={!entry.path}>
                    {language === 'sv' ? entry.sv : entry.en}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="innehall" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
};
