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

export type Vocabulary = 'topics' | 'focus_areas' | 'organisations' | 'audiences' | 'publication_kinds' | 'activity_kinds';

/** A vocabulary's values with their Dutch labels, for a form's checkboxes or select. */
export function optionsOf(taxonomy: Taxonomy | null, vocabulary: Vocabulary): { value: string; label: string }[] {
  if (!taxonomy) return [];
  switch (vocabulary) {
    case 'topics': return taxonomy.topics.map((t) => ({ value: t.slug, label: t.label }));
    case 'focus_areas': return taxonomy.focus_areas.map((f) => ({ value: f.slug, label: `${f.name} (${f.municipality})` }));
    case 'organisations': return taxonomy.organisations.map((o) => ({ value: o.slug, label: o.name }));
    default: return taxonomy[vocabulary].map((w) => ({ value: w, label: wordLabel(w) }));
  }
}
