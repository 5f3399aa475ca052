-- Links sent by e-mail (verification, password reset, e-mail change) are
-- looked up by the hash of their token.
CREATE INDEX mc_code_hash ON mc_code (code_hash);
