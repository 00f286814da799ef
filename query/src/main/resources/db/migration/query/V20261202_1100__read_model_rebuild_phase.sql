-- What the running (or last) rebuild is at: the case views, the person views, or what another module keeps from the
-- events (the mail gateway's directory), which is compared after the views.
ALTER TABLE read_model_rebuild ADD COLUMN phase VARCHAR(32);
