import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, ApiError, data } from '../api/client.js';
import { defineTexts, useTexts } from '../i18n/language.js';
import { SelectField, TextField } from '../ui/Field.js';
import { Page } from '../ui/Page.js';
import { Loading, ProblemMessage } from '../ui/states.js';
import { common } from '../ui/texts.js';
import { sessionOf, setSession, type Role } from './session.js';

const texts = defineTexts(
  {
    title: 'Logga in',
    providerTitle: 'Regionens inloggning',
    withProvider: 'Logga in med regionens inloggning',
    providerIntro: 'Du loggar in med ditt vanliga konto hos regionen. Vad du får se och göra beror på din roll.',
    localTitle: 'Lokal inloggning',
    localIntro:
      'För att prova tjänsten på den egna datorn: välj roll och vem du företräder. Sidan finns bara när tjänsten använder sin egen nyckel och bara svarar på den här datorn.',
    role: 'Roll',
    county: 'Län',
    municipality: 'Kommun',
    name: 'Ditt namn',
    nameHint: 'Namnet sparas med allt du registrerar.',
    submit: 'Logga in',
    chooseCounty: 'Välj län',
    chooseMunicipality: 'Välj kommun',
    allCounties: 'Alla län',
    noWay: 'Ingen inloggning är konfigurerad. Be den som driver tjänsten om hjälp.',
    expired: 'Du har loggats ut. Logga in igen för att fortsätta.',
  },
  {
    title: 'Sign in',
    providerTitle: 'The region’s login',
    withProvider: 'Sign in with the region’s login',
    providerIntro: 'You sign in with your usual account at the region. What you see and may do depends on your role.',
    localTitle: 'Local sign-in',
    localIntro:
      'For trying the service on your own computer: choose a role and whom you act for. This page exists only while the service uses its own key and answers on this computer only.',
    role: 'Role',
    county: 'County',
    municipality: 'Municipality',
    name: 'Your name',
    nameHint: 'The name is recorded with everything you register.',
    submit: 'Sign in',
    chooseCounty: 'Choose a county',
    chooseMunicipality: 'Choose a municipality',
    allCounties: 'All counties',
    noWay: 'No sign-in is configured. Ask whoever runs the service for help.',
    expired: 'You have been signed out. Sign in again to go on.',
  },
);

const COUNTY_ROLES: readonly Role[] = ['region', 'warehouse', 'county', 'committee'];

export const SignInPage = () => {
  const t = useTexts(texts);
  const c = useTexts(common);
  const navigate = useNavigate();
  const location = useLocation();
  const returnTo = (location.state as { from?: string } | null)?.from ?? '/';
  const options = useQuery({ queryKey: ['sign-in-options'], queryFn: () => data(api.GET('/api/auth/sign-in')) });
  const [role, setRole] = useState<Exclude<Role, 'admin'>>('municipality');
  const [county, setCounty] = useState('');
  const [municipality, setMunicipality] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submitLocal = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await data(
        api.POST('/api/auth/local-tokens', {
          body: {
            role,
            name,
            ...(role === 'municipality' ? { municipality } : {}),
            ...(COUNTY_ROLES.includes(role) || (role === 'auditor' && county) ? { county } : {}),
          },
        }),
      );
      setSession(sessionOf(answer.token, 'local'));
      await navigate(returnTo, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const problemField = (field: string) => (error instanceof ApiError ? error.fieldMessage(field) : undefined);

  return (
    <Page title={t('title')}>
      {(location.state as { expired?: boolean } | null)?.expired ? <p className="alert alert-warning">{t('expired')}</p> : null}
      {options.isPending ? <Loading /> : null}
      {options.isError ? <ProblemMessage error={options.error} onRetry={() => void options.refetch()} /> : null}
      {options.data?.openIdConnect ? (
        <section className="card" aria-labelledby="provider-heading">
          <h2 id="provider-heading">{t('providerTitle')}</h2>
          <p>{t('providerIntro')}</p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              const oidc = options.data.openIdConnect!;
              void import('./oidc.js').then(({ signInWithProvider }) => signInWithProvider(oidc, returnTo)).catch(setError);
            }}
          >
            {t('withProvider')}
          </button>
        </section>
      ) : null}
      {options.data?.local ? (
        <section className="card" aria-labelledby="local-heading">
          <h2 id="local-heading">{t('localTitle')}</h2>
          <p>{t('localIntro')}</p>
          <form onSubmit={(e) => void submitLocal(e)} noValidate>
            <SelectField label={t('role')} value={role} onChange={(e) => setRole(e.target.value as Exclude<Role, 'admin'>)} name="role">
              {options.data.local.roles.map((r) => (
                <option key={r} value={r}>
                  {c(`role.${r}` as 'role.county')}
                </option>
              ))}
            </SelectField>
            {role === 'municipality' ? (
              <SelectField
                label={t('municipality')}
                value={municipality}
                onChange={(e) => setMunicipality(e.target.value)}
                name="municipality"
                required
                error={problemField('municipality')}
              >
                <option value="">{t('chooseMunicipality')}</option>
                {options.data.local.counties.map((k) => (
                  <optgroup key={k.code} label={k.name}>
                    {options.data
                      .local!.municipalities.filter((m) => m.countyCode === k.code)
                      .map((m) => (
                        <option key={m.code} value={m.code}>
                          {m.name} ({m.code})
                        </option>
                      ))}
                  </optgroup>
                ))}
              </SelectField>
            ) : (
              <SelectField
                label={t('county')}
                value={county}
                onChange={(e) => setCounty(e.target.value)}
                name="county"
                required={COUNTY_ROLES.includes(role)}
                error={problemField('county')}
              >
                <option value="">{COUNTY_ROLES.includes(role) ? t('chooseCounty') : t('allCounties')}</option>
                {options.data.local.counties.map((k) => (
                  <option key={k.code} value={k.code}>
                    {k.name} ({k.code})
                  </option>
                ))}
              </SelectField>
            )}
            <TextField
              label={t('name')}
              hint={t('nameHint')}
              value={name}
              onChange={(e) => setName(e.target.value)}
              name="name"
              autoComplete="name"
              required
              error={problemField('name')}
            />
            {error ? <ProblemMessage error={error} /> : null}
            <button type="submit" className="primary" disabled={busy}>
              {t('submit')}
            </button>
          </form>
        </section>
      ) : null}
      {options.data && !options.data.local && !options.data.openIdConnect ? <p>{t('noWay')}</p> : null}
    </Page>
  );
};

/** Where the identity provider sends the browser back to. */
export const ProviderCallback = () => {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const t = useTexts(texts);
  useQuery({
    queryKey: ['oidc-callback'],
    queryFn: async () => {
      try {
        const { completeProviderSignIn } = await import('./oidc.js');
        const { returnTo } = await completeProviderSignIn();
        await navigate(returnTo, { replace: true });
      } catch (e) {
        setError(e);
      }
      return null;
    },
    retry: false,
    staleTime: Infinity,
  });
  return <Page title={t('title')}>{error ? <ProblemMessage error={error} /> : <Loading />}</Page>;
};
