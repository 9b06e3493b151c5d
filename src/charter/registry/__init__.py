"""Model registry: versions, regions, classification ceilings, weights."""
