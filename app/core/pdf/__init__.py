"""The PDF engine: documents in the Nghị định 30/2020 layout (layout), their fonts (fonts),
the light markup of drafts (markup) and register books (register). Pure builders that know no
case or feature: app.documents and the features hand them a Document and get bytes back."""
