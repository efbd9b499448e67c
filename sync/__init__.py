"""Station hub (FastAPI) and the wire protocol shared with laptops.

Not built yet: the sync issue will add it. Kept as a package so the layer contract (the hub never
imports fieldapp.ui) is enforced from the start.
"""
