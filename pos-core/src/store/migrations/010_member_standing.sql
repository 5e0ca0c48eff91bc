-- What head office sends with a member besides its record: its spend over the tier
-- window as head office counted it (a decimal as text, and the day the window ends),
-- for the tier progress the sale screen shows; and its RFM segment's code, which
-- promotions for one segment ask for. NULL: not sent (tiers by spend off, no segment).
ALTER TABLE member ADD COLUMN tier_spend TEXT;
ALTER TABLE member ADD COLUMN tier_spend_as_of TEXT;
ALTER TABLE member ADD COLUMN segment TEXT;
