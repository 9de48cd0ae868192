/** The platform's shared vocabulary (GET /taxonomy), fetched once, and labels for its slugs. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Taxonomy } from './types';

let loading: Promise<Taxonomy> | null = null;

export function loadTaxonomy(): Promise<Taxonomy> {
  loading ??= api<Taxonomy>('/taxonomy').catch((error: unknown) => {
    loading = null;   // try again on the next page
    throw error;
  });
  return loading;
}

export function useTaxonomy(): Taxonomy | null {
  const [taxonomy, setTaxonomy] = useState<Taxonomy | null>(null);
  useEffect(() => {
    loadTaxonomy().then(setTaxonomy, () => setTaxonomy(null));
  }, []);
  return taxonomy;
}

/** "vraag-en-antwoord" → "Vraag en antwoord": kinds and audiences are Dutch words as slugs. */
export function wordLabel(slug: string): string {
  const words = slug.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function topicLabel(taxonomy: Taxonomy | null, slug: string): string {
  return taxonomy?.topics.find((t) => t.slug === slug)?.label ?? wordLabel(slug);
}

export function focusAreaLabel(taxonomy: Taxonomy | null, slug: string): string {
  return taxonomy?.focus_areas.find((f) => f.slug === slug)?.name ?? wordLabel(slug);
}

export function organisationLabel(taxonomy: Taxonomy | null, slug: string | null): string {
  if (!slug) return '';
  return taxonomy?.organisations.find((o) => o.slug === slug)?.name ?? slug;
}
