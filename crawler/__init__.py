"""The crawler: fetch resources politely and safely, extract their text, import the resources of a page."""
