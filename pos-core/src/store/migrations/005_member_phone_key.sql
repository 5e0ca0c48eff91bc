-- Head office sends members masked (138****5678, 王*) with the phone's keyed hash; the
-- till finds a member by the phone a customer says through the hash and holds no full
-- number. Rows written before keep theirs until head office sends them again (it does,
-- masked, with the key) or, for members registered here, until the key arrives.
ALTER TABLE member ADD COLUMN phone_key TEXT;
CREATE INDEX member_phone_key ON member (phone_key);
