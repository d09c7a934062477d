"""The pages in headless Chromium, over one local stack (marker browser)."""
