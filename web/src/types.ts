/** The API's answers this client reads (gateway/gateway/responses/*.json and the OpenAPI document). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Topic { slug: string; label: string }
export interface FocusArea { slug: string; name: string; municipality: string }
export interface Organisation { slug: string; name: string }

export interface Taxonomy {
  version: number;
  topics: Topic[];
  focus_areas: FocusArea[];
  organisations: Organisation[];
  audiences: string[];
  publication_kinds: string[];
  activity_kinds: string[];
}

export interface PublicationListed {
  id: string;
  slug: string;
  title: string;
  summary: string;
  kind: string;
  topics: string[];
  audiences: string[];
  focus_areas: string[];
  organisation: string | null;
  authors: string[];
  status: string;
  published_at: string | null;
  updated_at: string;
  /** editors' (and the author's) only: why it is in the review queue */
  queue?: QueueReason[];
  open_flags?: number;
  hidden?: boolean;
}

export interface SearchPage extends Page<PublicationListed> {
  total: number;
  facets: { topic: Record<string, number>; kind: Record<string, number> };
}

export type QueueReason = 'submitted' | 'revision' | 'flagged' | 'review_due';

export type PublicationStatus = 'draft' | 'submitted' | 'published' | 'changes_requested' | 'rejected' | 'withdrawn';

/** The fields a publication's author writes (POST /publications, PATCH as a subset). */
export interface PublicationContent {
  title: string;
  summary: string;
  body: string;
  kind: string;
  topics: string[];
  audiences: string[];
  focus_areas: string[];
  organisation: string | null;
}

export interface Publication extends PublicationListed {
  body: string;
  body_html: string;
  links: { title: string; url: string }[];
  review_due: string | null;
  due_for_review?: boolean;
  /** its author's and editors' only: */
  version?: number;
  author?: { sub: string; name: string | null };
  flags?: { id?: string; reason: string; at: string; status: 'open' | 'dismissed' | 'upheld' }[];
  revision?: { fields: Partial<PublicationContent>; status: string; by: string; at: string; note: string | null } | null;
}

export interface HistoryEntry { at: string; by: string; action: string; note: string | null }

export interface PublicationHistory { id: string; status: string; history: HistoryEntry[] }

export interface FlagReceived {
  id: string;
  status: string;
  open_flags: number;
  hidden: boolean;
}

export interface Activity {
  id: string;
  title: string;
  description: string;
  kind: string;
  starts_at: string;
  ends_at: string;
  topics: string[];
  focus_areas: string[];
  audiences: string[];
  organisation: string | null;
  capacity: number | null;
  places_left: number | null;
  waitlisted: number;
  registration_deadline: string | null;
  registration_open: boolean;
  online_url: string | null;
  location: { name: string; address: string; municipality: string } | null;
  status: 'scheduled' | 'cancelled' | 'completed';
  cancel_reason?: string;
  organiser: { sub: string; name: string | null };
  version?: number;
  updated_at?: string;
}

export interface Registration {
  id: string;
  activity_id: string;
  name: string;
  email: string;
  member: boolean;
  status: 'confirmed' | 'waitlisted' | 'cancelled' | 'attended';
  position: number | null;
  registered_at: string;
  attended_at?: string | null;
  token?: string;
}

export interface RelatedPublication { id: string; slug: string; title: string; summary: string; kind: string }

export interface ThreadMessage {
  id: string;
  kind: 'message' | 'answer';
  author_role: 'asker' | 'wijkwijze';
  author_name: string | null;
  body_html: string;
  at: string;
}

export interface Question {
  id: string;
  title: string;
  body_html: string;
  topics: string[];
  focus_area: string | null;
  municipality: string | null;
  status: QuestionStatus;
  pooled: boolean;
  assignee: { name?: string | null; sub?: string } | null;
  asker?: { name: string | null; member: boolean; email?: string };
  viewer_role: 'asker' | 'assignee' | 'pool' | 'admin';
  messages: ThreadMessage[];
  asked_at: string;
  first_response_due: string;
  first_response_at?: string | null;
  pickup_due?: string | null;
  answered_at: string | null;
  closed_at: string | null;
  token?: string;
  related_publications?: RelatedPublication[];
}

export type QuestionStatus = 'new' | 'assigned' | 'answered' | 'closed' | 'reopened';

/** A question in a wijkwijze's inbox or the pool (GET /questions). */
export interface QuestionListed {
  id: string;
  title: string;
  topics: string[];
  focus_area: string | null;
  municipality: string | null;
  status: QuestionStatus;
  pooled: boolean;
  assignee: { name: string | null; sub?: string } | null;
  asked_at: string;
  first_response_due: string;
  first_response_at: string | null;
  escalated_at: string | null;
}

/** One of the caller's own publications (GET /me/publications), newest change first. */
export interface AuthoredPublication {
  id: string;
  slug: string;
  title: string;
  kind: string;
  status: PublicationStatus;
  /** an edit of the published text: waiting for an editor, or sent back */
  revision: 'pending' | 'changes_requested' | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

/** One of the activities of the organiser's organisation (GET /me/activities), latest start first. */
export interface OrganisedActivity {
  id: string;
  title: string;
  kind: string;
  starts_at: string;
  ends_at: string;
  status: 'scheduled' | 'cancelled' | 'completed';
  cancelled_at?: string;
  capacity: number | null;
  registered: number;
  waitlisted: number;
  places_left: number | null;
  updated_at: string;
}

export interface OrganisedPage extends Page<OrganisedActivity> {
  /** the organisation the caller's token names; null: none, so no activities */
  organisation: string | null;
}
