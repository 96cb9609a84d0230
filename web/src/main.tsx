import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/client.js';
import { routes } from './app/routes.js';
import { OutboxProvider } from './commands/commands.js';
import { LanguageProvider } from './i18n/language.js';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal will not change by asking again; a network failure or a 503 might.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

const router = createBrowserRouter(routes);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LanguageProvider>
      <QueryClientProvider client={queryClient}>
        <OutboxProvider>
          <RouterProvider router={router} />
        </OutboxProvider>
      </QueryClientProvider>
    </LanguageProvider>
  </StrictMode>,
);
