window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1983412345678901234" ], "editableUntil" : "2025-10-28T11:20:00.000Z", "editsRemaining" : "5", "isEditEligible" : true } },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [ { "text" : "Rio", "indices" : [ "120", "124" ] } ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [ { "type" : "photo", "media_url_https" : "https://pbs.twimg.example/media/raid.jpg", "ext_alt_text" : "Police vehicles on a road in Rio's North Zone" } ]
      },
      "favorite_count" : "412",
      "id_str" : "1983412345678901234",
      "truncated" : false,
      "retweet_count" : "97",
      "id" : "1983412345678901234",
      "created_at" : "Tue Oct 28 10:20:00 +0000 2025",
      "favorited" : false,
      "full_text" : "Heavy gunfire since dawn in the Alemão and Penha complexes &amp; several roads blocked as a large police operation gets under way. #Rio",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "id_str" : "1983498765432109876",
      "created_at" : "Wed Oct 29 09:05:00 +0000 2025",
      "full_text" : "The state public defender's office now counts 132 dead after the Rio raid; the state government's figure is 121.",
      "favorite_count" : "1033",
      "retweet_count" : "388",
      "lang" : "en"
    }
  }
]
