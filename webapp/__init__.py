"""The Gradio web app: the citizens' chat at `/`, the staff pages at `/staff/` behind a login."""
