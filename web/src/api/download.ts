import { useCallback, useEffect, useState } from 'react';
import { ApiError, type Problem } from './api-error.js';

/**
 * Saving a file the API makes (an Excel or CSV export). A plain link cannot carry the bearer token,
 * so the file is fetched through the API client, kept as an object URL and saved by a link with
 * `download`; the state keeps that URL, so the page can offer to save it again. The URL is let go
 * when the next file comes or the page closes.
 */
export type DownloadState =
  | { readonly status: 'idle' }
  | { readonly status: 'working' }
  | { readonly status: 'ready'; readonly url: string; readonly file: string; readonly size: number }
  | { readonly status: 'failed'; readonly error: unknown };

/** An openapi-fetch call made with `parseAs: 'blob'`. */
export type FileAnswer = Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** The file name the service gave (`Content-Disposition: attachment; filename="…"`). */
const fileNameOf = (disposition: string | null): string | undefined => /filename="?([^";]+)"?/.exec(disposition ?? '')?.[1];

export const useFileDownload = () => {
  const [state, setState] = useState<DownloadState>({ status: 'idle' });
  const url = state.status === 'ready' ? state.url : undefined;
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  /** Fetches with `fetchFile`, then saves the file under the service's name for it, else `fallbackName`. */
  const download = useCallback(async (fetchFile: () => FileAnswer, fallbackName: string) => {
    setState({ status: 'working' });
    try {
      const { data: blob, error, response } = await fetchFile();
      if (error !== undefined || !(blob instanceof Blob)) {
        throw new ApiError(
          response.status,
          (error ?? { type: 'about:blank', title: response.statusText, status: response.status, code: 'HTTP.UNEXPECTED' }) as Problem,
        );
      }
      const file = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
      const href = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = href;
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      setState({ status: 'ready', url: href, file, size: blob.size });
    } catch (error) {
      setState({ status: 'failed', error });
    }
  }, []);

  return { state, download };
};
