//! Counts per section and tag over every match (not only the page shown), read from the
//! fast (columnar) fields, so counting costs one array increment per match.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::{SECTION, TAGS};
use crate::Facets;
use crate::query::facet_counts;

pub(crate) struct FacetCollector;

pub(crate) struct SegmentFacets {
    sections: Option<ColumnCounts>,
    tags: Option<ColumnCounts>,
}

/// Counts per term ordinal of one segment's column; ordinals become slugs at harvest.
struct ColumnCounts {
    column: StrColumn,
    counts: Vec<usize>,
}

#[derive(Default)]
pub(crate) struct FacetFruit {
    sections: HashMap<String, usize>,
    tags: HashMap<String, usize>,
}

impl ColumnCounts {
    fn open(segment: &SegmentReader, field: &str) -> tantivy::Result<Option<Self>> {
        // A segment in which no document has the field has no column at all.
        Ok(segment
            .fast_fields()
            .str(field)?
            .map(|column| ColumnCounts {
                counts: vec![0; column.num_terms()],
                column,
            }))
    }

    fn count(&mut self, doc: DocId) {
        for ordinal in self.column.term_ords(doc) {
            if let Some(count) = usize::try_from(ordinal)
                .ok()
                .and_then(|index| self.counts.get_mut(index))
            {
                *count += 1;
            }
        }
    }

    fn harvest(self, into: &mut HashMap<String, usize>) -> tantivy::Result<()> {
        let mut slug = String::new();
        for (ordinal, count) in self.counts.into_iter().enumerate() {
            if count == 0 {
                continue;
            }
            slug.clear();
            if self.column.ord_to_str(ordinal as u64, &mut slug)? {
                *into.entry(slug.clone()).or_default() += count;
            }
        }
        Ok(())
    }
}

impl Collector for FacetCollector {
    type Fruit = FacetFruit;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        Ok(SegmentFacets {
            sections: ColumnCounts::open(segment, SECTION)?,
            tags: ColumnCounts::open(segment, TAGS)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut merged = FacetFruit::default();
        for fruit in segment_fruits {
            for (slug, count) in fruit.sections {
                *merged.sections.entry(slug).or_default() += count;
            }
            for (slug, count) in fruit.tags {
                *merged.tags.entry(slug).or_default() += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(sections) = &mut self.sections {
            sections.count(doc);
        }
        if let Some(tags) = &mut self.tags {
            tags.count(doc);
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut fruit = FacetFruit::default();
        // Reading the term dictionary can only fail on a corrupt segment; the counts of
        // that segment are then lost rather than the whole search failing.
        let harvested = [
            self.sections.map(|c| c.harvest(&mut fruit.sections)),
            self.tags.map(|c| c.harvest(&mut fruit.tags)),
        ];
        for result in harvested.into_iter().flatten() {
            if let Err(error) = result {
                tracing::warn!(%error, "could not read facet values of a segment");
            }
        }
        fruit
    }
}

impl FacetFruit {
    pub(crate) fn into_facets(self) -> Facets {
        Facets {
            sections: facet_counts(self.sections),
            tags: facet_counts(self.tags),
        }
    }
}
