import { useEffect } from 'react';
import { Navigate, Outlet, type RouteObject, useLocation, useNavigate } from 'react-router';
import { ProviderCallback, SignInPage } from '../auth/SignInPage.js';
import { setSession, useSession } from '../auth/session.js';
import { useTexts } from '../i18n/language.js';
import type { RoleArea } from '../roles/area.js';
import { auditorArea } from '../roles/auditor/area.js';
import { committeeArea } from '../roles/committee/area.js';
import { countyArea } from '../roles/county/area.js';
import { municipalityArea } from '../roles/municipality/area.js';
import { regionArea } from '../roles/region/area.js';
import { warehouseArea } from '../roles/warehouse/area.js';
import { Page } from '../ui/Page.js';
import { common } from '../ui/texts.js';
import { Layout } from './Layout.js';
import { OutboxPage } from './OutboxPage.js';

export const AREAS: readonly RoleArea[] = [municipalityArea, warehouseArea, regionArea, countyArea, committeeArea, auditorArea];

const NotFound = () => {
  const t = useTexts(common);
  return <Page title={t('notFound')}>{<p>{t('notFoundText')}</p>}</Page>;
};

/** The signed-in part: without a session, to the sign-in page (and back here after). */
const SignedIn = () => {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/logga-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  const area = AREAS.find((a) => a.roles.includes(session.user.role));
  return <Layout area={area} />;
};

/** The role's start page; a role with no screens (the administrator's) is told so. */
const Home = () => {
  const session = useSession();
  const t = useTexts(common);
  const area = AREAS.find((a) => session && a.roles.includes(session.user.role));
  if (area) return <Navigate to={area.base} replace />;
  return <Page title={t('noScreens')}>{<p>{t('noScreensText')}</p>}</Page>;
};

/** An area's screens, for its own roles only: another role's bookmark leads home. */
const AreaGuard = ({ area }: { area: RoleArea }) => {
  const session = useSession();
  return session && area.roles.includes(session.user.role) ? <Outlet /> : <Navigate to="/" replace />;
};

const SignOut = () => {
  const navigate = useNavigate();
  useEffect(() => {
    setSession(null);
    void navigate('/logga-in', { replace: true });
  }, [navigate]);
  return null;
};

const Public = () => <Layout area={undefined} />;

export const routes: RouteObject[] = [
  {
    element: <Public />,
    children: [
      { path: '/logga-in', element: <SignInPage /> },
      { path: '/inloggad', element: <ProviderCallback /> },
      { path: '/logga-ut', element: <SignOut /> },
    ],
  },
  {
    element: <SignedIn />,
    children: [
      { index: true, element: <Home /> },
      { path: '/vantar', element: <OutboxPage /> },
      ...AREAS.map((area) => ({ path: area.base, element: <AreaGuard area={area} />, children: area.routes })),
      { path: '*', element: <NotFound /> },
    ],
  },
];
