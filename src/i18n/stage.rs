//! The stage (issue #13): the list of panels beside the map, and the story's "more".
//! Same form as `messages.rs`: `(key, English, Nederlands, Français)`.

/// Every key of this part with its English, Dutch and French text.
#[rustfmt::skip]
pub static MESSAGES: &[super::Entry] = &[
    ("stage.panels_label", "Panels beside the map", "Panelen naast de kaart", "Panneaux à côté de la carte"),
    ("stage.panels_title", "Open", "Openen", "Ouvrir"),
    ("stage.panel_push", "Push", "Pushen", "Pousser"),
    ("stage.panel_catalog", "Catalog", "Catalogus", "Catalogue"),
    ("stage.panel_accounts", "Storage accounts", "Opslagaccounts", "Comptes de stockage"),
    ("stage.panel_tier", "Tier and cost", "Servicelaag en kosten", "Niveau et coût"),
    ("stage.panel_rates", "Request rates", "Aanvraagfrequenties", "Débits de requêtes"),
    ("stage.panel_key_vault", "Key vault", "Key Vault", "Coffre de clés"),
    ("stage.panel_retention", "Retention", "Bewaarbeleid", "Rétention"),
    ("stage.panel_soft_delete", "Soft delete", "Voorlopig verwijderen", "Suppression réversible"),
    ("stage.panel_features", "Webhooks and endpoints", "Webhooks en eindpunten", "Webhooks et points de terminaison"),
    ("stage.panel_session", "Saved session", "Bewaarde sessie", "Session enregistrée"),
    ("stage.panel_charts", "Charts", "Grafieken", "Graphiques"),
    ("stage.panel_events", "Event log", "Gebeurtenissenlogboek", "Journal des événements"),
    ("stage.panel_replicas", "Replicas", "Replica's", "Réplicas"),
    ("stage.panel_clients", "Clients", "Cliënten", "Clients"),
    ("stage.panel_faults", "Faults", "Storingen", "Pannes"),
    ("stage.panel_scenario", "Scenario steps", "Scenariostappen", "Étapes du scénario"),
    ("stage.panel_intro", "What Stowage is", "Wat Stowage is", "Ce qu'est Stowage"),
    ("stage.open_title", "Show this panel first beside the map", "Dit paneel als eerste naast de kaart tonen",
        "Afficher ce panneau en premier à côté de la carte"),
    ("stage.story_more", "More", "Meer", "Plus"),
    ("stage.open_storage", "Its storage accounts", "De opslagaccounts", "Ses comptes de stockage"),
    ("stage.open_clients", "Its clients", "De cliënten", "Ses clients"),
];
