import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from './client.js';
import { useLanguage } from '../i18n/language.js';

/** Reference data (items, counties and municipalities, warehouses): fetched once a visit, it does not change while the service runs. */
const forever = { staleTime: Infinity, gcTime: Infinity } as const;

export const useItems = () => useQuery({ queryKey: ['items'], queryFn: () => data(api.GET('/api/items')), ...forever });
export const useMunicipalities = () => useQuery({ queryKey: ['municipalities'], queryFn: () => data(api.GET('/api/municipalities')), ...forever });
export const useWarehouses = () => useQuery({ queryKey: ['warehouses'], queryFn: () => data(api.GET('/api/warehouses')), ...forever });

/** An item's name in the page's language, by code; the code itself while the catalogue loads. */
export const useItemName = (): ((code: string) => string) => {
  const items = useItems();
  const { language } = useLanguage();
  return (code: string) => {
    const item = items.data?.items.find((i: Schemas['ItemDto']) => i.code === code);
    return item ? (language === 'sv' ? item.nameSv : item.nameEn) : code;
  };
};

/** A municipality's name by code; the code while the list loads. */
export const useMunicipalityName = (): ((code: string) => string) => {
  const municipalities = useMunicipalities();
  return (code: string) => municipalities.data?.municipalities.find((m) => m.code === code)?.name ?? code;
};

/** How often overview pages ask again: they follow new events within this, without a reload. */
export const LIVE_REFRESH_MS = 5000;
