-- The name search's pages in name order (issue 19): each word of the index with its children in
-- Vietnamese name order, so that the first page of a broad prefix ("th", "giàng") is read from
-- the front of each word's run instead of sorting every match. It leads with the commune like
-- every index (0018); village and presence ride along, so the scope and the absent children are
-- filtered before the row is read.
CREATE INDEX child_token_order ON child_token(commune, token, sort_key, child_id, present, village_id);
